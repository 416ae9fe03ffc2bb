/**
 * The echo backend: answers with the user's own words (and names the files the
 * user attached). It needs no model and is used to try the gateway and in tests.
 */

import { AbortedError } from '../errors.ts';
import type { Agent, AgentRequest, AgentResult } from './agent.ts';
import { textWithAttachments } from './attachment-parts.ts';
import { lastUserMessage } from './last-user-message.ts';

/** The most `text.delta` events one echo reply is split into. */
const MAX_DELTAS = 4;

/**
 * Creates the echo agent. It replies with exactly the text of the last user
 * message, streamed as a few `text.delta` events; files attached to it are
 * named after the text, one line each (`Attached image cat.jpg (image/jpeg, 2 KB)`).
 * Usage counts words: input is the words of that message, output the words of the reply.
 *
 * @example
 * const agent = createEchoAgent();
 * const { text } = await agent.run({ sessionKey: 'api:dm:1', messages: [{ role: 'user', content: 'hi' }],
 *   signal: new AbortController().signal, onEvent: () => {} }); // text === 'hi'
 */
export function createEchoAgent(): Agent {
  return {
    name: 'echo',
    async run(request: AgentRequest): Promise<AgentResult> {
      if (request.signal.aborted) throw new AbortedError();
      const last = lastUserMessage(request.messages);
      const text = last ? textWithAttachments(last, { withPath: false }) : '';
      for (const piece of splitIntoDeltas(text)) request.onEvent({ type: 'text.delta', text: piece });
      const words = countWords(text);
      return {
        text,
        usage: { inputTokens: words, outputTokens: words },
        model: 'echo',
        messages: [{ role: 'assistant', content: text }],
      };
    },
  };
}

/** Splits text at word boundaries into at most {@link MAX_DELTAS} pieces that join back to the text. */
function splitIntoDeltas(text: string): string[] {
  if (text === '') return [];
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const perPiece = Math.ceil(words.length / MAX_DELTAS);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += perPiece) pieces.push(words.slice(i, i + perPiece).join(''));
  return pieces;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}
