/**
 * Sending events with our own transaction ids. A reply's parts use ids derived
 * from its idempotency key, so a retried send is answered by the homeserver
 * with the event it already stored instead of posting a copy; the SDK's local
 * echo and send queue are not involved (the gateway's outbox does the retrying).
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IEvent, type MatrixClient, Method } from 'matrix-js-sdk';
import type { MessageContent } from './outbound-content.ts';

/** The transaction id of one part of a reply (`part`: `0`, `1`, ... or `f0` for files). */
export function replyTxnId(idempotencyKey: string, part: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 22);
  return `hermes.${digest}.${part}`;
}

/** A fresh transaction id (streamed bubbles, edits, reactions, redactions). */
export function freshTxnId(): string {
  return `hermes.${Date.now().toString(36)}.${randomBytes(6).toString('base64url')}`;
}

const enc = encodeURIComponent;

/** Sends one event; resolves with its event id. */
export async function sendRoomEvent(
  client: MatrixClient,
  roomId: string,
  type: string,
  content: MessageContent,
  txnId: string,
): Promise<string> {
  const res = await client.http.authedRequest<{ event_id: string }>(
    Method.Put,
    `/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`,
    undefined,
    content,
  );
  return res.event_id;
}

/** Redacts (deletes) an event. */
export async function redactRoomEvent(
  client: MatrixClient,
  roomId: string,
  eventId: string,
  txnId: string,
): Promise<void> {
  await client.http.authedRequest(
    Method.Put,
    `/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txnId)}`,
    undefined,
    {},
  );
}

/** The latest events of a room, newest first (`/messages`, backwards). */
export async function recentRoomEvents(
  client: MatrixClient,
  roomId: string,
  limit: number,
): Promise<IEvent[]> {
  const res = await client.http.authedRequest<{ chunk: IEvent[] }>(
    Method.Get,
    `/rooms/${enc(roomId)}/messages`,
    { dir: 'b', limit: String(limit) },
  );
  return res.chunk;
}
