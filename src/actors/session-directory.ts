/**
 * The session directory: virtual session actors, as in Orleans.
 *
 * Each session is an independent root actor persisted in its own row. The
 * directory activates one from its row on its first message (or creates it),
 * saves its snapshot on every change, passivates it after it stayed idle for a
 * while, and restarts a failed one from its last row. It is itself supervised
 * by the gateway machine (child id `directory`).
 */
import { type Actor, type ActorOptions, createActor, type InspectionEvent } from 'xstate';
import { GatewayError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import {
  type BusyMode,
  DEFAULT_QUEUE_CAP,
  IN_FLIGHT_STATES,
  interruptedContext,
  type PendingMessage,
  SESSION_MACHINE_VERSION,
  type SessionContext,
  type SessionEvent,
  type SessionMachine,
  sessionMachine,
} from '../machines/session.ts';
import { canMigrateSession, migrateSessionSnapshot } from '../machines/session-migrations.ts';
import { mediaRefsOf } from '../media/media-ref.ts';
import type { ActorRow, InboxRow, Store } from '../persistence/store.ts';

/** A session's state as observers see it. */
export interface SessionView {
  sessionKey: string;
  /** Top-level state, e.g. `running`. */
  state: string;
  /** Full state path, e.g. `running.awaitingApproval` (top-level only for a passivated session). */
  path: string;
  context: SessionContext;
  active: boolean;
}

/** What the directory needs from the runtime. */
export interface SessionDirectoryDeps {
  store: Store;
  /** The session machine with its effects and agent run provided. */
  logic: SessionMachine;
  log: RuntimeLogger;
  now: () => number;
  /** Passivate sessions idle for this long (ms). */
  passivateAfterMs: number;
  /** XState inspection of every session actor. */
  inspect?: (event: InspectionEvent) => void;
  /** Called after every snapshot change of a session. */
  onChange?: (view: SessionView) => void;
  /** The configured busy-input mode and queue cap (default: queue, 32). */
  busyInput?: () => { mode: BusyMode; queueCap: number };
  /**
   * For a message accepted before this start and never handed on: the command it is, to run, or
   * undefined when it is a message for its session. The ingest pipeline decides (the directory
   * does not parse commands); without it, every recovered row is a message.
   */
  recoveredCommand?: (row: InboxRow) => CommandRun | undefined;
}

/** Runs a slash command whose inbox row is `row`. */
export type CommandRun = (row: InboxRow) => Promise<void>;

interface Entry {
  actor: Actor<SessionMachine>;
  lastActivity: number;
  lastSaved: string;
}

/** A session restarted after a failure more often than this in one gateway run stays stopped. */
export const MAX_SESSION_RESTARTS = 3;

/** The small form of an inbox row a session keeps in its snapshot: files by reference only. */
function pendingOf(row: InboxRow, transcriptText?: string): PendingMessage {
  return {
    inboxId: row.id,
    platformMessageId: row.message.platformMessageId,
    userId: row.message.userId,
    text: row.message.text,
    attachments: mediaRefsOf(row.message.attachments),
    ...(transcriptText === undefined ? {} : { transcriptText }),
  };
}

/** A state value as a dotted path. */
function pathOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? ['unknown', ''];
  return child ? `${key}.${pathOf(child)}` : key;
}

/** State value of a snapshot as a string (top level). */
function stateOf(value: unknown): string {
  return typeof value === 'string' ? value : (Object.keys(value as object)[0] ?? 'unknown');
}

/**
 * Turns a persisted session row into a snapshot that is safe to restore: an
 * older version's snapshot is upgraded, and a snapshot left in an in-flight state (a crash cut the run off) becomes
 * `restartInterrupted`, so restoring never re-runs the agent.
 */
export function restorableSnapshot(row: ActorRow): { snapshot: unknown; recovered: boolean } {
  if (!canMigrateSession(row.machineVersion)) {
    throw new GatewayError(
      'GATEWAY_ERR_SNAPSHOT',
      `Session ${row.actorId} was saved by session machine v${row.machineVersion}; this gateway runs v${SESSION_MACHINE_VERSION} and cannot read it`,
      { actorId: row.actorId },
    );
  }
  const persisted = migrateSessionSnapshot(row.machineVersion, row.snapshot) as {
    value: unknown;
    context: SessionContext;
  };
  if (!(IN_FLIGHT_STATES as readonly string[]).includes(stateOf(persisted.value))) {
    return { snapshot: persisted, recovered: false };
  }
  const resolved = sessionMachine.resolveState({
    value: 'restartInterrupted',
    context: interruptedContext(persisted.context),
  });
  return { snapshot: sessionMachine.getPersistedSnapshot(resolved), recovered: true };
}

/**
 * Keeps the live session actors.
 *
 * @example
 * const directory = new SessionDirectory({ store, logic, log, now: Date.now, passivateAfterMs: 600_000 });
 * await directory.start();
 * await directory.deliver(inboxRow);
 */
export class SessionDirectory {
  readonly #deps: SessionDirectoryDeps;
  readonly #active = new Map<string, Entry>();
  /**
   * The highest inbox id handed on per live session: a row at or below it was handed on already
   * (the start's recovery and a concurrent ingest can both offer it). Rows of one session reach
   * the directory in id order, so one number per session is enough; it goes with the session at
   * passivation.
   */
  readonly #handedOn = new Map<string, number>();
  /** Restarts of each session in this gateway run. */
  readonly #restarts = new Map<string, number>();
  #chain: Promise<void> = Promise.resolve();
  #sweep: NodeJS.Timeout | undefined;
  #accepting = false;

  constructor(deps: SessionDirectoryDeps) {
    this.#deps = deps;
  }

  /**
   * Starts the passivation sweep and hands on every inbox message accepted but not yet delivered
   * (a command to its runner, a message to its session), before any message that arrives meanwhile.
   */
  async start(): Promise<void> {
    this.#accepting = true;
    if (this.#sweep) clearInterval(this.#sweep);
    const every = Math.max(50, Math.min(30_000, Math.floor(this.#deps.passivateAfterMs / 2)));
    this.#sweep = setInterval(() => void this.passivateIdle(), every);
    this.#sweep.unref();
    // in the delivery chain at once: a row ingested meanwhile queues behind the recovered ones
    await this.#enqueue(async () => {
      // the marks of a previous run of this directory may still wait in the group commit
      await this.#deps.store.flush();
      const waiting = await this.#deps.store.inbox.listByStatus('accepted');
      for (const row of waiting) {
        const command = this.#deps.recoveredCommand?.(row);
        if (command) this.#runCommand(row, command);
        else await this.#handOn(row);
      }
    });
  }

  /** How many entries the directory's per-session structures hold (live sessions, hand-off marks, restart counts). */
  sizes(): { active: number; handedOn: number; restarts: number } {
    return { active: this.#active.size, handedOn: this.#handedOn.size, restarts: this.#restarts.size };
  }

  /** Number of live session actors. */
  get activeCount(): number {
    return this.#active.size;
  }

  /**
   * Hands an accepted inbox message to its session (in arrival order). While the directory is not
   * running (restarting or draining) the row stays `accepted` in the inbox and the next start
   * hands it on. `mode` overrides the configured busy-input mode (`/queue`, `/steer`): a command
   * hands on the message it was delivered with; `'configured'` does the same under the configured
   * mode (a skill's turn), and `transcriptText` is what the transcript records instead of the text.
   */
  deliver(row: InboxRow, mode?: BusyMode | 'configured', transcriptText?: string): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#accepting) return this.#keptForStart(row);
      if (row.status !== 'accepted') return;
      if (mode) {
        this.#mark(row);
        const entry = await this.#activate(row.sessionKey, row);
        entry.actor.send(this.#messageEvent(row, mode === 'configured' ? undefined : mode, transcriptText));
        return;
      }
      await this.#handOn(row);
    });
  }

  /**
   * Runs a slash command in arrival order with its session's messages (the ingest pipeline
   * decided it is one). It runs outside the delivery chain: it may send events to sessions itself.
   */
  command(row: InboxRow, run: CommandRun): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#accepting) return this.#keptForStart(row);
      if (row.status !== 'accepted' || this.#seen(row)) return;
      this.#mark(row);
      this.#runCommand(row, run);
    });
  }

  /** Not running (restarting or draining): the row stays `accepted`, and the next start hands it on. */
  #keptForStart(row: InboxRow): void {
    this.#deps.log.info(
      { inboxId: row.id, sessionKey: row.sessionKey },
      'The session directory is not running; the message waits in the inbox for its next start',
    );
  }

  async #handOn(row: InboxRow): Promise<void> {
    if (this.#seen(row)) return;
    this.#mark(row);
    const entry = await this.#activate(row.sessionKey, row);
    entry.actor.send(this.#messageEvent(row));
  }

  #runCommand(row: InboxRow, run: CommandRun): void {
    this.#mark(row);
    void run(row).catch((error) =>
      this.#deps.log.error({ inboxId: row.id, err: errorText(error) }, 'A command failed'),
    );
  }

  #seen(row: InboxRow): boolean {
    return row.id <= (this.#handedOn.get(row.sessionKey) ?? 0);
  }

  #mark(row: InboxRow): void {
    if (!this.#seen(row)) this.#handedOn.set(row.sessionKey, row.id);
  }

  #messageEvent(row: InboxRow, mode?: BusyMode, transcriptText?: string): SessionEvent {
    const policy = this.#deps.busyInput?.() ?? { mode: 'queue' as const, queueCap: DEFAULT_QUEUE_CAP };
    return {
      type: 'MESSAGE',
      message: pendingOf(row, transcriptText),
      mode: mode ?? policy.mode,
      at: this.#deps.now(),
      queueCap: policy.queueCap,
    };
  }

  /**
   * Sends an event to a session, activating it from its row; an unknown session
   * is created from `createFrom` when given, else logged and skipped.
   */
  send(sessionKey: string, event: SessionEvent, createFrom?: InboxRow): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#accepting) {
        throw new GatewayError(
          'GATEWAY_ERR_STATE',
          `The session directory is not running (restarting or draining): ${event.type} for ${sessionKey} was not delivered`,
          { sessionKey },
        );
      }
      const entry = createFrom
        ? await this.#activate(sessionKey, createFrom)
        : await this.#activate(sessionKey);
      if (!entry) {
        this.#deps.log.warn({ sessionKey, event: event.type }, 'Event for an unknown session dropped');
        return;
      }
      entry.actor.send(event);
    });
  }

  /** The live view of a session (active or persisted). */
  async view(sessionKey: string): Promise<SessionView | undefined> {
    const entry = this.#active.get(sessionKey);
    if (entry) return this.#viewOf(sessionKey, entry.actor, true);
    const row = await this.#deps.store.actors.load(sessionKey);
    if (!row) return undefined;
    const snap = row.snapshot as { context: SessionContext };
    return { sessionKey, state: row.state, path: row.state, context: snap.context, active: false };
  }

  /** Views of the live sessions. */
  activeViews(): SessionView[] {
    return [...this.#active].map(([key, e]) => this.#viewOf(key, e.actor, true));
  }

  /** Stops sessions idle (no run, no queue) for longer than the passivation time. Returns how many. */
  passivateIdle(now = this.#deps.now()): number {
    let count = 0;
    for (const [key, entry] of this.#active) {
      const snap = entry.actor.getSnapshot();
      const quiet = snap.matches('idle') || snap.matches('restartInterrupted');
      if (
        quiet &&
        snap.context.queue.length === 0 &&
        now - entry.lastActivity >= this.#deps.passivateAfterMs
      ) {
        this.#active.delete(key);
        this.#handedOn.delete(key);
        entry.actor.stop();
        count++;
      }
    }
    if (count) this.#deps.log.debug({ count }, 'Passivated idle sessions');
    return count;
  }

  /**
   * Graceful stop: no more deliveries; every session with a run in flight gets
   * `GATEWAY.DRAIN` (it becomes restart-interrupted and its run is aborted).
   * Returns the keys of the interrupted sessions.
   */
  async drain(): Promise<string[]> {
    await this.#chain;
    this.#accepting = false;
    const interrupted: string[] = [];
    for (const [key, entry] of this.#active) {
      const snap = entry.actor.getSnapshot();
      if (IN_FLIGHT_STATES.some((s) => snap.matches(s))) {
        entry.actor.send({ type: 'GATEWAY.DRAIN' });
        interrupted.push(key);
      }
    }
    return interrupted;
  }

  /** Stops every live session actor (their rows stay). */
  async stop(): Promise<void> {
    this.#accepting = false;
    if (this.#sweep) clearInterval(this.#sweep);
    await this.#chain.catch(() => {});
    for (const entry of this.#active.values()) entry.actor.stop();
    this.#active.clear();
    this.#handedOn.clear();
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(task);
    this.#chain = next.catch((error) => {
      // a refusal while not running is the caller's to handle (it was told)
      if (error instanceof GatewayError && error.code === 'GATEWAY_ERR_STATE') return;
      this.#deps.log.error({ err: errorText(error) }, 'Session directory task failed');
    });
    return next;
  }

  async #activate(sessionKey: string, firstMessage: InboxRow): Promise<Entry>;
  async #activate(sessionKey: string): Promise<Entry | undefined>;
  async #activate(sessionKey: string, firstMessage?: InboxRow): Promise<Entry | undefined> {
    const existing = this.#active.get(sessionKey);
    if (existing) {
      existing.lastActivity = this.#deps.now();
      return existing;
    }
    const row = await this.#deps.store.actors.load(sessionKey);
    if (!row && !firstMessage) return undefined;
    let actor: Actor<SessionMachine>;
    let lastSaved = '';
    if (row) {
      const { snapshot, recovered } = restorableSnapshot(row);
      if (recovered)
        this.#deps.log.warn({ sessionKey }, 'Session restored from an in-flight state: restart-interrupted');
      const restoreOptions = { snapshot, ...this.#inspectOption() } as ActorOptions<SessionMachine>;
      actor = createActor(this.#deps.logic, restoreOptions as never);
      lastSaved = JSON.stringify(row.snapshot);
    } else {
      const m = firstMessage!.message;
      actor = createActor(this.#deps.logic, {
        input: {
          sessionKey,
          platform: m.platform,
          chatType: m.chatType,
          chatId: m.chatId,
          threadId: m.threadId ?? null,
        },
        ...this.#inspectOption(),
      });
    }
    const entry: Entry = { actor, lastActivity: this.#deps.now(), lastSaved };
    this.#active.set(sessionKey, entry);
    actor.subscribe({
      next: () => this.#persist(sessionKey, entry),
      error: (error) => this.#onError(sessionKey, entry, error),
    });
    actor.start();
    this.#persist(sessionKey, entry);
    return entry;
  }

  #persist(sessionKey: string, entry: Entry): void {
    const snapshot = entry.actor.getPersistedSnapshot() as unknown as { value: unknown };
    const json = JSON.stringify(snapshot);
    entry.lastActivity = this.#deps.now();
    const view = this.#viewOf(sessionKey, entry.actor, true);
    this.#deps.onChange?.(view);
    if (json === entry.lastSaved) return;
    entry.lastSaved = json;
    this.#deps.store.actors
      .save({
        actorId: sessionKey,
        kind: 'session',
        machineVersion: SESSION_MACHINE_VERSION,
        state: stateOf(snapshot.value),
        snapshot,
      })
      .catch((error) =>
        this.#deps.log.error({ sessionKey, err: errorText(error) }, 'Saving a session failed'),
      );
  }

  /**
   * One-for-one restart of a failed session from its last row, within a budget
   * of `MAX_SESSION_RESTARTS` per gateway run. Messages the failed actor had
   * taken (inbox `delivered`) but its last row does not hold are given to the
   * restarted actor again, so a failure loses no accepted message.
   */
  #onError(sessionKey: string, entry: Entry, error: unknown): void {
    if (this.#active.get(sessionKey) === entry) this.#active.delete(sessionKey);
    const restarts = (this.#restarts.get(sessionKey) ?? 0) + 1;
    this.#restarts.set(sessionKey, restarts);
    if (restarts > MAX_SESSION_RESTARTS) {
      this.#deps.log.error(
        { sessionKey, err: errorText(error), restarts: restarts - 1 },
        'Session actor failed again after its restarts; it stays stopped until the gateway restarts',
      );
      return;
    }
    this.#deps.log.error(
      { sessionKey, err: errorText(error), restarts },
      'Session actor failed; restarting it from its last row',
    );
    void this.#enqueue(async () => {
      // The failed actor's last save (its very first row, when it failed on its first
      // message) and its inbox marks may still wait in the group commit: read them committed.
      await this.#deps.store.flush();
      const restarted = await this.#activate(sessionKey);
      if (!restarted) return;
      const context = restarted.actor.getSnapshot().context;
      const held = new Set(
        [...context.queue, ...(context.run?.messages ?? []), ...(context.interrupted ?? [])].map(
          (m) => m.inboxId,
        ),
      );
      const taken = await this.#deps.store.inbox.listByStatus('delivered');
      for (const row of taken) {
        if (row.sessionKey !== sessionKey || held.has(row.id)) continue;
        restarted.actor.send(this.#messageEvent(row));
      }
    });
  }

  #viewOf(sessionKey: string, actor: Actor<SessionMachine>, active: boolean): SessionView {
    const snap = actor.getSnapshot();
    return {
      sessionKey,
      state: stateOf(snap.value),
      path: pathOf(snap.value),
      context: snap.context,
      active,
    };
  }

  #inspectOption(): { inspect?: (event: InspectionEvent) => void } {
    return this.#deps.inspect ? { inspect: this.#deps.inspect } : {};
  }
}
