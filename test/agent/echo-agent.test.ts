import { describe, expect, it } from 'vitest';
import type { AgentEvent, ChatMessage } from '../../src/agent/agent.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { AbortedError } from '../../src/errors.ts';

function run(messages: ChatMessage[], signal = new AbortController().signal) {
  const events: AgentEvent[] = [];
  const result = createEchoAgent().run({
    sessionKey: 'test:dm:1',
    messages,
    signal,
    onEvent: (event) => events.push(event),
  });
  return { result, events };
}

describe('echo agent', () => {
  it('replies with exactly the text of the last user message', async () => {
    const text = '  Hello,\n  world! 👋  émoji   spacing ';
    const { result, events } = run([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first question' },
      { role: 'user', content: text },
    ]);
    const answer = await result;
    expect(answer.text).toBe(text);
    expect(answer.messages).toEqual([{ role: 'assistant', content: text }]);
    const deltas = events.filter((e) => e.type === 'text.delta').map((e) => e.text);
    expect(deltas.length).toBeGreaterThanOrEqual(1);
    expect(deltas.join('')).toBe(text);
  });

  it('counts words in and out as usage', async () => {
    const { result } = run([{ role: 'user', content: 'one two  three\nfour' }]);
    expect((await result).usage).toEqual({ inputTokens: 4, outputTokens: 4 });
  });

  it('rejects with AbortedError when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { result, events } = run([{ role: 'user', content: 'hi' }], controller.signal);
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    expect(events).toEqual([]);
  });
});
