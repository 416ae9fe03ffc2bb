/**
 * End to end through the official `openai` client: the API server adapter, the
 * gateway runtime on SQLite, and the `openai` agent backend talking to a
 * loopback fake model server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServerAdapter } from '../../src/adapters/api-server/index.ts';
import { createAgent } from '../../src/agent/create-agent.ts';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import { createGateway, type Gateway } from '../../src/runtime/create-gateway.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';

const KEY = 'e2e-test-key-0123456789';

let dir: string;
let model: FakeModelServer;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-e2e-'));
  model = await startFakeModelServer();
  const api = createApiServerAdapter({ port: 0, key: KEY });
  gateway = createGateway({
    store: createSqliteStore({ path: join(dir, 'state.db') }),
    agent: createAgent({ backend: 'openai', base_url: model.url, api_key: 'model-key', model: 'fake-model' }),
    adapters: [api],
    closeStoreOnStop: true,
  });
  await gateway.start();
  client = new OpenAI({ baseURL: `http://127.0.0.1:${api.address().port}/v1`, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenAI-compatible API end to end', () => {
  it('lists the model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['hermes-agent']);
  });

  it('answers a new session and names it in the response header', async () => {
    model.script({
      kind: 'text',
      text: 'Hello from the model',
      usage: { prompt_tokens: 11, completion_tokens: 4 },
    });
    const { data, response } = await client.chat.completions
      .create({ model: 'hermes-agent', messages: [{ role: 'user', content: 'Hi!' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from the model');
    expect(data.usage).toEqual({ prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 });
    const sessionId = response.headers.get('x-hermes-session-id');
    expect(sessionId).toBeTruthy();
    const transcriptUsage = await gateway.store.transcript.usage(`api:${sessionId}/1`);
    expect(transcriptUsage).toMatchObject({ inputTokens: 11, outputTokens: 4, turns: 1 });
    const session = await gateway.session(`api:${sessionId}`);
    expect(session?.state).toBe('idle');
    const transcript = await gateway.store.transcript.listBySession(`api:${sessionId}`);
    expect(transcript.map((e) => [e.role, e.content])).toEqual([
      ['user', 'Hi!'],
      ['assistant', 'Hello from the model'],
    ]);
  });

  it('continues a session named by X-Hermes-Session-Id: the model sees the earlier turns', async () => {
    model.script(
      { kind: 'text', text: 'Nice to meet you, Ada.' },
      { kind: 'text', text: 'Your name is Ada.' },
    );
    const headers = { 'X-Hermes-Session-Id': 'e2e-continued' };
    await client.chat.completions.create(
      { model: 'hermes-agent', messages: [{ role: 'user', content: 'My name is Ada.' }] },
      { headers },
    );
    const second = await client.chat.completions.create(
      { model: 'hermes-agent', messages: [{ role: 'user', content: 'What is my name?' }] },
      { headers },
    );
    expect(second.choices[0]?.message.content).toBe('Your name is Ada.');
    const sent = model.requests.at(-1)!.messages.map((m) => [m.role, m.content]);
    expect(sent).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', 'Nice to meet you, Ada.'],
      ['user', 'What is my name?'],
    ]);
  });

  it('without a session header, the history the client sends is what the model sees', async () => {
    model.script({ kind: 'text', text: 'Paris.' });
    await client.chat.completions.create({
      model: 'hermes-agent',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Capital of Italy?' },
        { role: 'assistant', content: 'Rome.' },
        { role: 'user', content: 'And of France?' },
      ],
    });
    const sent = model.requests.at(-1)!.messages.map((m) => [m.role, m.content]);
    expect(sent).toEqual([
      ['system', 'Be brief.'],
      ['user', 'Capital of Italy?'],
      ['assistant', 'Rome.'],
      ['user', 'And of France?'],
    ]);
  });

  it('streams the answer as it is produced', async () => {
    model.script({
      kind: 'text',
      text: 'one two three four five',
      chunks: 5,
      usage: { prompt_tokens: 7, completion_tokens: 5 },
    });
    const stream = await client.chat.completions.create({
      model: 'hermes-agent',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count' }],
    });
    const deltas: string[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) deltas.push(piece);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('one two three four five');
  });

  it('runs a tool the model calls and answers with its result', async () => {
    model.script(
      {
        kind: 'tool_calls',
        calls: [{ name: 'terminal', arguments: JSON.stringify({ command: 'echo tool-output-42' }) }],
      },
      (request) => {
        const tool = request.messages.find((m) => m.role === 'tool');
        return { kind: 'text', text: `The command printed: ${String(tool?.content).trim()}` };
      },
    );
    const answer = await client.chat.completions.create({
      model: 'hermes-agent',
      messages: [{ role: 'user', content: 'run it' }],
    });
    expect(answer.choices[0]?.message.content).toBe('The command printed: tool-output-42');
  });

  it('a model failure reaches the client as an OpenAI error, and the session stays usable', async () => {
    model.script(
      { kind: 'error', status: 400, message: 'context too long' },
      { kind: 'text', text: 'fine now' },
    );
    const headers = { 'X-Hermes-Session-Id': 'e2e-failure' };
    await expect(
      client.chat.completions.create(
        { model: 'hermes-agent', messages: [{ role: 'user', content: 'x' }] },
        { headers },
      ),
    ).rejects.toMatchObject({ status: 502 });
    const ok = await client.chat.completions.create(
      { model: 'hermes-agent', messages: [{ role: 'user', content: 'again' }] },
      { headers },
    );
    expect(ok.choices[0]?.message.content).toBe('fine now');
  });
});
