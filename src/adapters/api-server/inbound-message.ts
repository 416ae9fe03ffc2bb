/**
 * Turns a validated chat completion request into the gateway's `InboundMessage`:
 * the last user message is the text (its images, already read, are the
 * attachments), the earlier messages are the client's history, and the
 * `X-Hermes-Session-Id` chooses the session.
 */
import type { Attachment, InboundMessage } from '../contract.ts';
import {
  type ChatCompletionMessage,
  type ChatCompletionRequest,
  contentText,
  imageUrls,
} from './request-schema.ts';

/** The platform name of messages from the API server. */
export const API_PLATFORM = 'api';

/** Who is asking and where the answer goes. */
export interface InboundAddress {
  /** The conversation id: the `X-Hermes-Session-Id` header, or a fresh one-off id. */
  sessionId: string;
  /** The completion id, also the inbox's platform message id. */
  completionId: string;
}

type HistoryEntry = NonNullable<InboundMessage['history']>[number];

/**
 * Maps one earlier request message to a history entry: `developer` messages
 * are system instructions; tool results are left out.
 */
function toHistoryEntry(message: ChatCompletionMessage): HistoryEntry | undefined {
  const images = imageUrls(message.content).length;
  const text = contentText(message.content);
  // images of earlier messages are not sent again: the history only says they were there
  const content = images === 0 ? text : [text, `(${images} image(s) attached)`].filter(Boolean).join('\n');
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content };
    case 'user':
    case 'assistant':
      return { role: message.role, content };
    case 'tool':
      return undefined;
  }
}

/**
 * Builds the inbound message of one request. The session key is `api:<sessionId>`;
 * `attachments` are the images of the last message (see `imageAttachments`).
 *
 * @example
 * toInboundMessage(body, { sessionId: 'support-42', completionId: 'chatcmpl-1' });
 * // { platform: 'api', chatType: 'dm', chatId: 'support-42', sessionKey: 'api:support-42', ... }
 */
export function toInboundMessage(
  request: ChatCompletionRequest,
  address: InboundAddress,
  attachments: Attachment[] = [],
): InboundMessage {
  const earlier = request.messages.slice(0, -1);
  const last = request.messages[request.messages.length - 1];
  const history: HistoryEntry[] = [];
  for (const message of earlier) {
    const entry = toHistoryEntry(message);
    if (entry !== undefined) history.push(entry);
  }
  return {
    platform: API_PLATFORM,
    chatType: 'dm',
    chatId: address.sessionId,
    userId: 'api',
    text: last === undefined ? '' : contentText(last.content),
    platformMessageId: address.completionId,
    ...(attachments.length > 0 ? { attachments } : {}),
    history,
    sessionKey: `${API_PLATFORM}:${address.sessionId}`,
  };
}
