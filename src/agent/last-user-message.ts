/**
 * Finds the text of the newest user message of a conversation: the prompt the
 * echo and exec backends answer.
 */

import type { ChatMessage } from './agent.ts';

/**
 * Returns the content of the last `user` message, or an empty string when the
 * conversation has none.
 *
 * @example
 * lastUserText([{ role: 'user', content: 'hi' }]); // 'hi'
 */
export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}

/**
 * Returns the newest `user` message of a conversation, or undefined when it has none.
 *
 * @example
 * lastUserMessage([{ role: 'user', content: 'hi', attachments: [photo] }]); // that message
 */
export function lastUserMessage(messages: readonly ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return message;
  }
  return undefined;
}
