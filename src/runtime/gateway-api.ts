/**
 * What an embedder holds: the `Gateway` handle and the observations its
 * subscribers receive.
 */
import type { Actor } from 'xstate';
import type { SessionView } from '../actors/session-directory.ts';
import type { InboundMessage, IngestResult } from '../adapters/contract.ts';
import type { BackgroundTaskContext } from '../machines/background-task.ts';
import type { BreakerView } from '../machines/breaker.ts';
import type { GatewayContext, GatewayMachine } from '../machines/gateway.ts';
import type { SessionEvent } from '../machines/session.ts';
import type { OutboxRow, Store } from '../persistence/store.ts';

/** What observers of a gateway receive. */
export type GatewayObservation =
  | { type: 'gateway'; state: string; children: GatewayContext['children'] }
  | { type: 'session'; session: SessionView }
  | { type: 'outbox'; row: OutboxRow }
  | { type: 'platform'; platform: BreakerView }
  | { type: 'task'; task: { taskId: string; state: string; context: BackgroundTaskContext } };

/** A running (or startable) gateway. */
export interface Gateway {
  /**
   * Boots (migrations, restart recovery) and starts every child; resolves once the services are up
   * and every adapter connected or failed once (or `adapterStartWaitMs` passed).
   */
  start(): Promise<void>;
  /** Drains (runs in flight become restart-interrupted, replies flushed) and stops. */
  stop(reason?: string): Promise<void>;
  /** Accepts a message durably and hands it to its session. Resolves after the inbox row committed. */
  ingest(message: InboundMessage): Promise<IngestResult>;
  /** Every platform with its circuit breaker's status (as `/platform list` shows them). */
  platforms(): BreakerView[];
  /** Pauses a platform (`/platform pause`): the connection stays, new inbound messages are dropped. */
  pausePlatform(name: string): BreakerView | undefined;
  /** Resumes a platform (`/platform resume`): clears a pause, a trip or a needs-relink. */
  resumePlatform(name: string): BreakerView | undefined;
  /** Background tasks not yet delivered. */
  backgroundTasks(): { taskId: string; state: string; context: BackgroundTaskContext }[];
  /** The root gateway actor. */
  readonly actor: Actor<GatewayMachine>;
  readonly store: Store;
  /** A session's current state and context (live or persisted). */
  session(sessionKey: string): Promise<SessionView | undefined>;
  /** The live session actors. */
  sessions(): SessionView[];
  /** Sends an event to a session, activating it (what `/stop`, `/approve` and `/deny` send). */
  sendToSession(sessionKey: string, event: SessionEvent): Promise<void>;
  /** Observes the gateway, every session change and every settled reply. Returns the unsubscribe function. */
  subscribe(listener: (observation: GatewayObservation) => void): () => void;
  /**
   * Resolves when every accepted message reached its session, no session has a run in flight or
   * queued, and the outbox is idle (for tests and scripts).
   */
  settled(timeoutMs?: number): Promise<void>;
}
