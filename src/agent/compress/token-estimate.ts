/**
 * A model-independent token estimate: about four characters a token (the usual
 * rule of thumb for English text with OpenAI tokenizers), plus four tokens of
 * framing per message. It needs no tokenizer and errs on the high side for code.
 */
import type { ChatMessage } from '../agent.ts';

/** Characters counted as one token. */
export const CHARS_PER_TOKEN = 4;

/** Tokens counted per message for its role and framing. */
export const TOKENS_PER_MESSAGE = 4;

/**
 * Estimated prompt tokens of `messages`: characters / 4, rounded up, plus 4 a message.
 *
 * @example
 * estimateTokens([{ role: 'user', content: 'hello world!' }]) // 3 + 4 = 7
 */
export function estimateTokens(messages: readonly Pick<ChatMessage, 'content'>[]): number {
  return messages.reduce(
    (sum, m) => sum + Math.ceil(m.content.length / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE,
    0,
  );
}
