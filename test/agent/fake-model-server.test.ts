import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';

describe('fake model server', () => {
  let model: FakeModelServer;
  let client: OpenAI;
  beforeEach(async () => {
    model = await startFakeModelServer();
    client = new OpenAI({ baseURL: model.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(async () => {
    await model.close();
  });

  it('answers non-streaming requests with a complete chat.completion', async () => {
    model.script(
      { kind: 'text', text: 'plain answer', usage: { prompt_tokens: 3, completion_tokens: 2 } },
      { kind: 'tool_calls', calls: [{ id: 'call_9', name: 'terminal', arguments: '{"command":"ls"}' }] },
    );
    const first = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(first.choices[0]?.message.content).toBe('plain answer');
    expect(first.choices[0]?.finish_reason).toBe('stop');
    expect(first.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });

    const second = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'list files' }],
    });
    expect(second.choices[0]?.finish_reason).toBe('tool_calls');
    expect(second.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_9', type: 'function', function: { name: 'terminal', arguments: '{"command":"ls"}' } },
    ]);
    expect(model.requests.map((r) => r.messages[0]?.content)).toEqual(['hi', 'list files']);
  });

  it('streams tool calls in fragments: id and name first, then the arguments in pieces', async () => {
    model.script({
      kind: 'tool_calls',
      calls: [{ id: 'call_1', name: 'terminal', arguments: '{"command":"echo hi"}' }],
    });
    const stream = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const fragments: Array<{ id?: string; name?: string; arguments?: string }> = [];
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        fragments.push({ id: call.id, name: call.function?.name, arguments: call.function?.arguments });
      }
    }
    expect(fragments[0]).toEqual({ id: 'call_1', name: 'terminal', arguments: '' });
    expect(fragments.length).toBeGreaterThan(2);
    expect(fragments.map((f) => f.arguments).join('')).toBe('{"command":"echo hi"}');
  });

  it('fails loudly when the script has no response left', async () => {
    await expect(
      client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toThrow(/no scripted response left/);
  });

  it('builds an answer from the request when scripted with a function', async () => {
    model.script((request) => ({
      kind: 'text',
      text: `you said: ${String(request.messages.at(-1)?.content)}`,
    }));
    const answer = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'bonjour' }],
    });
    expect(answer.choices[0]?.message.content).toBe('you said: bonjour');
  });

  it('lists its model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fake-model']);
  });
});
