/**
 * Context compression through the whole gateway, with the OpenAI-compatible
 * backend against the loopback fake model server: `/compress` answers with the
 * token counts, the next run starts from the summary instead of the old turns,
 * the store keeps every entry, `/undo` brings the turns back, a small context
 * window compresses automatically (and says so once), and the echo backend is
 * told that compression needs a model.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agent/agent.ts';
import { SUMMARY_INSTRUCTION } from '../../src/agent/compress/context-compressor.ts';
import { SUMMARY_PREFIX } from '../../src/agent/compress/transcript-view.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import type { GatewayConfigInput } from '../../src/config/schema.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import {
  type FakeModelServer,
  type RecordedChatRequest,
  startFakeModelServer,
} from '../fakes/fake-model-server.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const SUMMARY = 'Alice likes blue; the number is 42.';
const SESSION = 'chat:dm:c';

const running: Gateway[] = [];
const models: FakeModelServer[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
  for (const m of models.splice(0)) await m.close();
});

/** Whether a request asked for a summary (rather than running a turn). */
const isSummaryRequest = (r: RecordedChatRequest) => r.messages[0]?.content === SUMMARY_INSTRUCTION;

/** The texts of a run request's messages. */
const contents = (r: RecordedChatRequest | undefined) => (r?.messages ?? []).map((m) => String(m.content));

/**
 * A gateway on the fake model: summary requests get `SUMMARY`, turns get
 * `answer(n)` for the n-th turn (1-based).
 */
async function setup(
  options: {
    /** config.yaml as an object. */
    config?: GatewayConfigInput;
    /** config.yaml built from the fake model's URL (instead of `config`). */
    configFor?: (modelUrl: string) => GatewayConfigInput;
    answer?: (n: number) => string;
    agent?: Agent;
  } = {},
) {
  let turns = 0;
  const model = await startFakeModelServer({
    fallback: (request) =>
      isSummaryRequest(request)
        ? { kind: 'text', text: SUMMARY, usage: { prompt_tokens: 50, completion_tokens: 9 } }
        : { kind: 'text', text: options.answer?.(++turns) ?? `answer ${++turns}: ${'details '.repeat(20)}` },
  });
  models.push(model);
  const store: Store = createMemoryStore();
  const chat = new MemoryAdapter({ name: 'chat' });
  const gateway = createGateway({
    store,
    agent:
      options.agent ?? createOpenAIAgent({ baseURL: model.url, apiKey: 'k', model: 'fake', maxRetries: 0 }),
    adapters: [chat],
    config: validateConfig(options.configFor?.(model.url) ?? options.config ?? {}),
  });
  running.push(gateway);
  await gateway.start();
  /** Sends a text and waits until the gateway has answered everything. */
  const say = async (text: string) => {
    const before = chat.textsTo('c').length;
    await chat.receive({ chatId: 'c', text });
    await gateway.settled();
    return chat.textsTo('c').slice(before);
  };
  const turnRequests = () => model.requests.filter((r) => !isSummaryRequest(r));
  return { model, store, chat, gateway, say, turnRequests };
}

describe('/compress', () => {
  it('summarises the conversation: the next run sends the summary, not the old turns; the store keeps them', async () => {
    const { model, store, say, turnRequests } = await setup();
    await say('my favourite colour is blue');
    await say('remember the number 42');

    const [reply] = await say('/compress');
    const counts = /^🗜️ Context compressed: (\d+) → (\d+) tokens/.exec(reply ?? '');
    expect(counts, reply).not.toBeNull();
    expect(Number(counts![2])).toBeLessThan(Number(counts![1]));
    // the summary request carried the old turns
    const summaryRequest = model.requests.find(isSummaryRequest);
    expect(contents(summaryRequest).join('\n')).toContain('User: my favourite colour is blue');

    await say('what do you remember?');
    const next = contents(turnRequests().at(-1));
    expect(next).toContain(SUMMARY_PREFIX + SUMMARY);
    expect(next).not.toContain('my favourite colour is blue');
    expect(next).not.toContain('remember the number 42');
    expect(next.at(-1)).toBe('what do you remember?');

    const entries = await store.transcript.listBySession(SESSION);
    expect(entries.map((e) => e.content)).toEqual(
      expect.arrayContaining(['my favourite colour is blue', 'remember the number 42', SUMMARY]),
    );
    expect(entries.filter((e) => e.role === 'summary')).toHaveLength(1);
  });

  it("asks the chat's /model choice for the summary", async () => {
    const { model, say } = await setup({
      configFor: (url) => ({ providers: { local: { base_url: url, models: ['small-model'] } } }),
    });
    await say('/model local:small-model');
    await say('my favourite colour is blue');
    expect((await say('/compress'))[0]).toMatch(/^🗜️ Context compressed/);
    expect(model.requests.find(isSummaryRequest)?.model).toBe('small-model');
  });

  it('/undo right after a compression brings the full conversation back', async () => {
    const { say, turnRequests } = await setup();
    await say('my favourite colour is blue');
    await say('/compress');
    expect(await say('/undo')).toEqual([
      '↩️ Undid the compression: the next run sees the full conversation again.',
    ]);

    await say('and now?');
    const next = contents(turnRequests().at(-1));
    expect(next).toContain('my favourite colour is blue');
    expect(next.some((c) => c.startsWith(SUMMARY_PREFIX))).toBe(false);
  });

  it('/undo after a turn that followed the compression drops that turn and keeps the summary', async () => {
    const { say, turnRequests } = await setup();
    await say('my favourite colour is blue');
    await say('/compress');
    await say('a question to drop');
    expect((await say('/undo'))[0]).toBe('↩️ Dropped the last turn: “a question to drop”');

    await say('next question');
    const next = contents(turnRequests().at(-1));
    expect(next).toContain(SUMMARY_PREFIX + SUMMARY);
    expect(next).not.toContain('a question to drop');
    expect(next).not.toContain('my favourite colour is blue');
  });

  it('says there is nothing to compress before the first answer', async () => {
    const { say } = await setup();
    const [reply] = await say('/compress');
    expect(reply).toMatch(/^🗜️ Nothing to compress/);
  });

  it('is refused while the agent works on the chat', async () => {
    const { chat, gateway, model } = await setup();
    model.script({ kind: 'text', text: 'slow answer', chunks: 5, delayMs: 100 });
    await chat.receive({ chatId: 'c', text: 'take your time' });
    await chat.receive({ chatId: 'c', text: '/compress' });
    await gateway.settled();
    expect(chat.textsTo('c')).toContain(
      "⏳ /compress can't run while I'm working on this chat. Send /stop first, or wait.",
    );
  });

  it('tells the echo backend plainly that compression needs the openai backend', async () => {
    const { say } = await setup({ agent: createEchoAgent() });
    await say('hello');
    const [reply] = await say('/compress');
    expect(reply).toMatch(/needs the openai backend \(agent\.backend: openai/);
    expect(reply).toContain('echo backend');
  });
});

describe('automatic compression', () => {
  it('compresses before a run that would pass the threshold, and tells the chat once', async () => {
    const { model, store, say, turnRequests } = await setup({
      config: { agent: { context_window_tokens: 200, compress_threshold: 0.5 } },
      // the first answer is long (about 150 tokens), the later ones short
      answer: (n) => (n === 1 ? `long answer ${'x'.repeat(600)}` : `short answer ${n}`),
    });
    expect(await say('tell me everything')).toHaveLength(1);
    expect(model.requests.some(isSummaryRequest)).toBe(false);

    const second = await say('and the summary?');
    const notice = second.filter((t) => t.startsWith('🗜️'));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatch(/^🗜️ Context compressed: \d+ → \d+ tokens$/);
    const run = contents(turnRequests().at(-1));
    expect(run).toContain(SUMMARY_PREFIX + SUMMARY);
    expect(run).not.toContain('tell me everything');
    expect(run.at(-1)).toBe('and the summary?');

    await say('one more');
    // /undo drops the last turn; the summary and the compressed turn's question stay
    await say('/undo');
    await say('and another');
    expect(model.requests.filter(isSummaryRequest)).toHaveLength(1);
    const texts = (await store.transcript.listBySession(SESSION)).map((e) => e.content);
    expect(texts).toContain('tell me everything');
    // the question of the compressed turn stays word for word after the summary
    const last = contents(turnRequests().at(-1));
    expect(last).toContain('and the summary?');
    expect(last).toContain(SUMMARY_PREFIX + SUMMARY);
    expect(last).not.toContain('one more');
  });

  it('/undo of the turn that compressed drops its question and answer and keeps the summary', async () => {
    const { say, turnRequests } = await setup({
      config: { agent: { context_window_tokens: 200, compress_threshold: 0.5 } },
      answer: (n) => (n === 1 ? `long answer ${'x'.repeat(600)}` : `short answer ${n}`),
    });
    await say('tell me everything');
    expect((await say('and the summary?')).some((t) => t.startsWith('🗜️'))).toBe(true);
    expect(await say('/undo')).toEqual(['↩️ Dropped the last turn: “and the summary?”']);

    await say('fresh question');
    const next = contents(turnRequests().at(-1));
    expect(next).toContain(SUMMARY_PREFIX + SUMMARY);
    expect(next).not.toContain('and the summary?');
    expect(next).not.toContain('tell me everything');
  });

  it('stays off with auto_compress: false', async () => {
    const { model, say } = await setup({
      config: { agent: { context_window_tokens: 200, compress_threshold: 0.5, auto_compress: false } },
      answer: () => `long answer ${'x'.repeat(600)}`,
    });
    await say('one');
    const second = await say('two');
    expect(second.some((t) => t.startsWith('🗜️'))).toBe(false);
    expect(model.requests.some(isSummaryRequest)).toBe(false);
  });
});

describe('compression settings', () => {
  it('refuses a threshold above 1 with the key and the fix', () => {
    expect(() => validateConfig({ agent: { compress_threshold: 1.5 } })).toThrow(
      /agent\.compress_threshold: must be at most 1\. Fix: set it to a number at most 1/,
    );
  });
});
