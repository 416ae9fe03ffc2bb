/**
 * The operator page's live feed: server-sent events. A new stream first gets the
 * whole model (`model`), then every change: an actor's new state from the
 * inspection feed (`actor`), and the gateway's observations of platforms,
 * sessions and tasks (`platform`, `session`, `task`, `gateway`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from '../runtime/gateway-api.ts';
import type { InspectionFeed } from './inspection-feed.ts';
import { type OperatorModel, observationEntry, operatorModel } from './operator-model.ts';

/** How many rows' last sent text is remembered to skip repeats (then it starts afresh). */
const SENT_MEMORY = 10_000;

/** How often an idle stream gets a comment line, so proxies keep it open (15 s). */
export const KEEPALIVE_MS = 15_000;

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The open event streams of one operator server.
 *
 * @example
 * const streams = new EventStreams(gateway, feed);
 * streams.open(request.raw, reply.raw); // after reply.hijack()
 * streams.closeAll(); // before the server closes
 */
export class EventStreams {
  readonly #gateway: Gateway;
  readonly #feed: InspectionFeed;
  readonly #open = new Set<ServerResponse>();
  /** The last text sent for each row (a session changes on every streamed piece of text; its row does not). */
  readonly #sent = new Map<string, string>();
  #unsubscribe: (() => void) | undefined;

  constructor(gateway: Gateway, feed: InspectionFeed) {
    this.#gateway = gateway;
    this.#feed = feed;
  }

  /** The whole model now. */
  model(): OperatorModel {
    return operatorModel(this.#gateway, this.#feed);
  }

  /** How many streams are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Starts a stream on a hijacked response. */
  open(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    response.write(frame('model', this.model()));
    this.#open.add(response);
    this.#listen();
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const done = () => {
      clearInterval(keepalive);
      this.#open.delete(response);
      if (this.#open.size === 0) this.#stopListening();
    };
    request.on('close', done);
    response.on('close', done);
  }

  /** Ends every stream (the page reconnects to the next server). */
  closeAll(): void {
    for (const response of this.#open) response.end();
    this.#open.clear();
    this.#stopListening();
  }

  #broadcast(event: string, data: unknown): void {
    const text = frame(event, data);
    for (const response of this.#open) response.write(text);
  }

  #listen(): void {
    if (this.#unsubscribe) return;
    const offFeed = this.#feed.subscribe((state) => this.#broadcast('actor', state));
    const offGateway = this.#gateway.subscribe((observation) => {
      const entry = observationEntry(observation, this.#feed);
      if (!entry) return;
      const row = `${entry.kind}:${entry.id}`;
      const text = JSON.stringify(entry.entry);
      if (this.#sent.get(row) === text) return;
      if (this.#sent.size >= SENT_MEMORY) this.#sent.clear();
      this.#sent.set(row, text);
      this.#broadcast(entry.kind, entry.entry);
    });
    this.#unsubscribe = () => {
      offFeed();
      offGateway();
    };
  }

  #stopListening(): void {
    this.#sent.clear();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
