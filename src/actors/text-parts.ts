/** How a reply's text is split into messages on a platform. */
import type { Adapter } from '../adapters/contract.ts';
import { splitMessage } from '../adapters/shared/split-message.ts';

/**
 * The parts an adapter sends a text as: its own `textParts` or, by default, the text split at
 * `capabilities.maxMessageLength` (code fences closed and reopened). A blank text has none.
 *
 * @example
 * textParts(telegram, 'a'.repeat(5000)).length // 2
 */
export function textParts(adapter: Adapter, text: string): string[] {
  if (text.trim() === '') return [];
  return adapter.textParts
    ? adapter.textParts(text)
    : splitMessage(text, adapter.capabilities.maxMessageLength);
}
