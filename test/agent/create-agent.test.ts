import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRequest } from '../../src/agent/agent.ts';
import { createAgent } from '../../src/agent/create-agent.ts';
import { ConfigError } from '../../src/errors.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';

const request = (content: string): AgentRequest => ({
  sessionKey: 'api:dm:1',
  messages: [{ role: 'user', content }],
  signal: new AbortController().signal,
  onEvent: () => {},
});

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('createAgent', () => {
  let model: FakeModelServer;
  beforeEach(async () => {
    model = await startFakeModelServer({ fallback: { kind: 'text', text: 'from the model' } });
  });
  afterEach(async () => {
    await model.close();
  });

  it('builds the echo backend', async () => {
    const agent = createAgent({ backend: 'echo' });
    expect(agent.name).toBe('echo');
    expect((await agent.run(request('ping'))).text).toBe('ping');
  });

  it('builds the exec backend around the configured command', async () => {
    const agent = createAgent({ backend: 'exec', command: 'tr a-z A-Z' });
    expect(agent.name).toBe('exec');
    expect((await agent.run(request('shout'))).text).toBe('SHOUT');
  });

  it('refuses the exec backend without a command, naming agent.command and the fix', () => {
    const error = configError(() => createAgent({ backend: 'exec' }));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'agent.command' })]);
    expect(error.message).toContain('agent.command');
    expect(error.message).toMatch(/Fix: set agent\.command/);
  });

  it('refuses the openai backend without a model, naming agent.model', () => {
    const error = configError(() => createAgent({ backend: 'openai', base_url: model.url }));
    expect(error.issues[0]?.path).toBe('agent.model');
  });

  it('refuses an unknown backend, naming agent.backend', () => {
    const error = configError(() => createAgent({ backend: 'nope' as 'echo' }));
    expect(error.issues[0]?.path).toBe('agent.backend');
  });

  it('gives the openai backend the terminal tool by default', async () => {
    const agent = createAgent({
      backend: 'openai',
      base_url: model.url,
      api_key: 'sk-configured',
      model: 'm1',
      system_prompt: 'Be brief.',
    });
    expect(agent.name).toBe('openai');
    expect((await agent.run(request('hi'))).text).toBe('from the model');

    const [sent] = model.requests;
    expect(sent?.model).toBe('m1');
    expect(sent?.tools?.map((t) => t.function.name)).toEqual(['terminal', 'process']);
    expect(sent?.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(model.requestHeaders[0]?.authorization).toBe('Bearer sk-configured');
  });

  it('leaves the terminal tool out when it is disabled', async () => {
    const agent = createAgent({
      backend: 'openai',
      base_url: model.url,
      model: 'm1',
      terminal: { enabled: false },
    });
    await agent.run(request('hi'));
    expect(model.requests[0]?.tools).toBeUndefined();
  });
});
