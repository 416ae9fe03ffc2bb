import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentResult, ChatMessage, Tool } from '../../src/agent/agent.ts';
import { createOpenAIAgent, type OpenAIAgentOptions } from '../../src/agent/openai-agent.ts';
import { createTerminalTool } from '../../src/agent/tools/terminal.ts';
import { AbortedError, AgentError } from '../../src/errors.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';
import { createPidTracker, isProcessGone, waitFor } from './process-state.ts';

let model: FakeModelServer;
const pids = createPidTracker();
const dirs: string[] = [];

beforeEach(async () => {
  model = await startFakeModelServer();
});
afterEach(async () => {
  await model.close();
  pids.killLeftovers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(
  options: Partial<OpenAIAgentOptions> = {},
  messages: ChatMessage[] = [{ role: 'user', content: 'hello' }],
  requestModel?: string,
) {
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  const agent = createOpenAIAgent({ baseURL: model.url, apiKey: 'sk-test', model: 'fake-model', ...options });
  const result: Promise<AgentResult> = agent.run({
    sessionKey: 'api:dm:1',
    messages,
    signal: controller.signal,
    onEvent: (event) => events.push(event),
    ...(requestModel ? { model: requestModel } : {}),
  });
  const deltas = () => events.flatMap((e) => (e.type === 'text.delta' ? [e.text] : []));
  return { result, events, deltas, abort: () => controller.abort() };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the run to fail');
    },
    (err: unknown) => err,
  );
}

describe('openai agent: answers', () => {
  it('streams text deltas in order and returns the full text and usage', async () => {
    model.script({
      kind: 'text',
      text: 'The quick brown fox jumps.',
      chunks: 4,
      usage: { prompt_tokens: 12, completion_tokens: 7 },
    });
    const run = start();
    const answer = await run.result;

    expect(run.deltas().length).toBe(4);
    expect(run.deltas().join('')).toBe('The quick brown fox jumps.');
    expect(answer.text).toBe('The quick brown fox jumps.');
    expect(answer.usage).toEqual({ inputTokens: 12, outputTokens: 7 });
    expect(answer.model).toBe('fake-model');
    expect(answer.messages).toEqual([{ role: 'assistant', content: 'The quick brown fox jumps.' }]);
  });

  it('sends the system prompt, the conversation and the tools, streaming with usage', async () => {
    model.script({ kind: 'text', text: 'ok' });
    await start({ systemPrompt: 'You are Hermes.', tools: [createTerminalTool()] }, [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: 'second' },
    ]).result;

    const [request] = model.requests;
    expect(request).toMatchObject({
      model: 'fake-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are Hermes.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'answer' },
        { role: 'user', content: 'second' },
      ],
    });
    expect(request?.tools?.map((t) => t.function.name)).toEqual(['terminal']);
    expect(model.requestHeaders[0]?.authorization).toBe('Bearer sk-test');
  });

  it('uses the model named by the request instead of the default', async () => {
    model.script({ kind: 'text', text: 'ok' });
    const answer = await start({}, undefined, 'other-model').result;
    expect(model.requests[0]?.model).toBe('other-model');
    expect(answer.model).toBe('other-model');
  });
});

describe('openai agent: tool calls', () => {
  it('runs a terminal call and sends its result back in the next request', async () => {
    model.script(
      {
        kind: 'tool_calls',
        calls: [{ id: 'call_abc', name: 'terminal', arguments: '{"command":"echo hi"}' }],
        usage: { prompt_tokens: 10, completion_tokens: 5 },
      },
      { kind: 'text', text: 'It printed hi.', usage: { prompt_tokens: 20, completion_tokens: 4 } },
    );
    const run = start({ tools: [createTerminalTool()] });
    const answer = await run.result;

    expect(answer.text).toBe('It printed hi.');
    expect(answer.usage).toEqual({ inputTokens: 30, outputTokens: 9 });
    expect(run.events.filter((e) => e.type !== 'text.delta')).toEqual([
      { type: 'tool.start', callId: 'call_abc', name: 'terminal', arguments: '{"command":"echo hi"}' },
      { type: 'tool.end', callId: 'call_abc', name: 'terminal', output: 'hi\n', ok: true },
    ]);

    expect(model.requests).toHaveLength(2);
    expect(model.requests[1]?.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_abc',
            type: 'function',
            function: { name: 'terminal', arguments: '{"command":"echo hi"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc', content: 'hi\n' },
    ]);
    expect(answer.messages).toEqual([
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_abc', name: 'terminal', arguments: '{"command":"echo hi"}' }],
      },
      { role: 'tool', content: 'hi\n', toolCallId: 'call_abc', name: 'terminal' },
      { role: 'assistant', content: 'It printed hi.' },
    ]);
  });

  it('runs several calls of one response in order', async () => {
    const order: string[] = [];
    const note: Tool = {
      name: 'note',
      description: 'Remember a word.',
      parameters: { type: 'object', properties: { word: { type: 'string' } } },
      execute: async (args) => {
        order.push(String(args.word));
        return `noted ${String(args.word)}`;
      },
    };
    model.script(
      {
        kind: 'tool_calls',
        text: 'Let me note these.',
        calls: [
          { name: 'note', arguments: '{"word":"alpha"}' },
          { name: 'note', arguments: '{"word":"beta"}' },
        ],
      },
      { kind: 'text', text: 'Done.' },
    );
    const answer = await start({ tools: [note] }).result;

    expect(order).toEqual(['alpha', 'beta']);
    expect(answer.text).toBe('Done.');
    const toolMessages = model.requests[1]?.messages.filter((m) => m.role === 'tool');
    expect(toolMessages?.map((m) => m.content)).toEqual(['noted alpha', 'noted beta']);
    expect(model.requests[1]?.messages.at(-3)).toMatchObject({
      role: 'assistant',
      content: 'Let me note these.',
    });
  });

  it('answers invalid JSON arguments with an error tool result and lets the model recover', async () => {
    model.script(
      { kind: 'tool_calls', calls: [{ id: 'call_bad', name: 'terminal', arguments: '{"command": "ls' }] },
      { kind: 'text', text: 'Sorry, let me fix that.' },
    );
    const run = start({ tools: [createTerminalTool()] });
    const answer = await run.result;

    expect(answer.text).toBe('Sorry, let me fix that.');
    const toolResult = model.requests[1]?.messages.at(-1);
    expect(toolResult).toMatchObject({ role: 'tool', tool_call_id: 'call_bad' });
    expect(toolResult?.content).toMatch(/^Error: the arguments for terminal are not a valid JSON object/);
    expect(run.events.find((e) => e.type === 'tool.end')).toMatchObject({ ok: false });
  });

  it('answers an unknown tool with an error tool result naming the available tools', async () => {
    model.script(
      { kind: 'tool_calls', calls: [{ id: 'call_x', name: 'web_search', arguments: '{}' }] },
      { kind: 'text', text: 'I cannot search.' },
    );
    await start({ tools: [createTerminalTool()] }).result;

    expect(model.requests[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'call_x',
      content: 'Error: unknown tool "web_search". Available tools: terminal.',
    });
  });

  it('answers a tool that throws with an error tool result', async () => {
    const broken: Tool = {
      name: 'broken',
      description: 'Always fails.',
      parameters: { type: 'object' },
      execute: async () => {
        throw new Error('disk full');
      },
    };
    model.script(
      { kind: 'tool_calls', calls: [{ id: 'call_1', name: 'broken', arguments: '{}' }] },
      { kind: 'text', text: 'The tool failed.' },
    );
    await start({ tools: [broken] }).result;
    expect(model.requests[1]?.messages.at(-1)?.content).toBe('Error: broken failed: disk full');
  });

  it('stops with a note after maxToolRounds rounds of tool calls', async () => {
    let runs = 0;
    const counter: Tool = {
      name: 'count',
      description: 'Counts.',
      parameters: { type: 'object' },
      execute: async () => `count ${++runs}`,
    };
    model.script(
      { kind: 'tool_calls', calls: [{ name: 'count', arguments: '{}' }] },
      { kind: 'tool_calls', calls: [{ name: 'count', arguments: '{}' }] },
      { kind: 'tool_calls', calls: [{ name: 'count', arguments: '{}' }] },
    );
    const run = start({ tools: [counter], maxToolRounds: 2 });
    const answer = await run.result;

    expect(runs).toBe(2);
    expect(model.requests).toHaveLength(3);
    expect(answer.text).toMatch(/Stopped after 2 rounds of tool calls/);
    expect(run.deltas().join('')).toContain('Stopped after 2 rounds of tool calls');
    // The history stays valid: every assistant tool call has its tool result.
    const calls = answer.messages.flatMap((m) => m.toolCalls ?? []).map((c) => c.id);
    const results = answer.messages.filter((m) => m.role === 'tool').map((m) => m.toolCallId);
    expect(results).toEqual(calls);
    expect(answer.messages.at(-1)).toMatchObject({ role: 'assistant' });
  });
});

describe('openai agent: interrupts and failures', () => {
  it('rejects with AbortedError when aborted mid-stream', async () => {
    model.script({
      kind: 'text',
      text: 'a long and slow answer that never finishes',
      chunks: 8,
      delayMs: 150,
    });
    const run = start();
    await waitFor(() => run.deltas().length > 0);
    run.abort();

    expect(await failure(run.result)).toBeInstanceOf(AbortedError);
    expect(run.deltas().join('')).not.toBe('a long and slow answer that never finishes');
  });

  it('rejects with AbortedError and kills the running terminal command when aborted during a tool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openai-abort-'));
    dirs.push(dir);
    const pidFile = join(dir, 'pid');
    model.script({
      kind: 'tool_calls',
      calls: [
        { name: 'terminal', arguments: JSON.stringify({ command: `echo $$ > ${pidFile}; sleep 60` }) },
        { name: 'terminal', arguments: JSON.stringify({ command: `touch ${join(dir, 'second')}` }) },
      ],
    });
    const run = start({ tools: [createTerminalTool()] });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
    const shell = Number(readFileSync(pidFile, 'utf8'));
    pids.track(shell);
    run.abort();

    const error = await failure(run.result);
    expect(error).toBeInstanceOf(AbortedError);
    await waitFor(() => isProcessGone(shell));
    // The call not yet started was cancelled and recorded as such, and the model was not asked again.
    expect(existsSync(join(dir, 'second'))).toBe(false);
    expect((error as AbortedError).cancelledTools).toEqual(['terminal#call_2']);
    expect(model.requests).toHaveLength(1);
  });

  it('rejects with AbortedError at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const agent = createOpenAIAgent({ baseURL: model.url, model: 'fake-model' });
    const result = agent.run({ sessionKey: 's', messages: [], signal: controller.signal, onEvent: () => {} });
    expect(await failure(result)).toBeInstanceOf(AbortedError);
    expect(model.requests).toHaveLength(0);
  });

  it('rejects with AgentError carrying the status on HTTP 500', async () => {
    model.script({ kind: 'error', status: 500, message: 'upstream exploded' });
    const error = await failure(start({ maxRetries: 0 }).result);

    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).details).toMatchObject({ status: 500 });
    expect((error as AgentError).message).toContain('HTTP 500');
    expect((error as AgentError).message).toContain('upstream exploded');
  });

  it('retries a transient 503 and then answers', async () => {
    model.script({ kind: 'error', status: 503, retryAfterMs: 10 }, { kind: 'text', text: 'back again' });
    const answer = await start().result;
    expect(answer.text).toBe('back again');
    expect(model.requests).toHaveLength(2);
  });

  it('rejects with AgentError when the server cannot be reached', async () => {
    await model.close();
    const error = await failure(start({ maxRetries: 0 }).result);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toContain(model.url);
    model = await startFakeModelServer();
  });

  it('rejects with AgentError when the connection drops without an answer', async () => {
    model.script({ kind: 'hangup' });
    expect(await failure(start({ maxRetries: 0 }).result)).toBeInstanceOf(AgentError);
  });
});
