/**
 * The circuit breakers of the platform adapters, one persisted breaker actor
 * per platform (row `breaker:<name>`, kind `breaker`). The gateway machine's
 * child `adapter:<name>` hosts the platform's breaker; the breaker invokes the
 * link that starts the adapter, and decides on reconnects, trips and pauses.
 *
 * A restored breaker keeps its dispatch state (a pause or a trip survives a
 * restart: it never resumes by itself) and always connects again from
 * `up.connecting`.
 */
import { type Actor, createActor, fromCallback, type InspectionEvent } from 'xstate';
import type {
  Adapter,
  AdapterContext,
  CommandInfo,
  InboundMessage,
  IngestResult,
} from '../adapters/contract.ts';
import { queueToHomeChannel } from '../commands/home-channel.ts';
import { AdapterError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import {
  BREAKER_MACHINE_VERSION,
  type BreakerContext,
  type BreakerEffectName,
  type BreakerEvent,
  type BreakerInput,
  type BreakerSettings,
  type BreakerView,
  breakerMachine,
  breakerView,
  type LinkInput,
} from '../machines/breaker.ts';
import type { ChildInput, GatewayEvent } from '../machines/gateway.ts';
import type { ProvidedEffects } from '../machines/provided-effects.ts';
import type { Store } from '../persistence/store.ts';

/** What the breakers need from the runtime. */
export interface PlatformBreakerDeps {
  adapters: ReadonlyMap<string, Adapter>;
  store: Store;
  ingest: (message: InboundMessage) => Promise<IngestResult>;
  log: RuntimeLogger;
  now: () => number;
  settings: (platform: string) => Partial<BreakerSettings>;
  /** Told when a platform becomes sendable again (connected and not tripped): its replies may go out. */
  onUp?: (name: string) => void;
  /** The commands to publish in each platform's command menu once it connects. */
  commands?: () => CommandInfo[];
  /** Told on every change of a breaker. */
  onChange?: (view: BreakerView) => void;
  /** XState inspection of every breaker actor. */
  inspect?: (event: InspectionEvent) => void;
}

/** How a failure counts for the breaker. */
function failureOf(error: unknown, at: number) {
  const retryable = error instanceof AdapterError ? error.retryable : true;
  const reason = error instanceof AdapterError ? (error.details.reason as string | undefined) : undefined;
  return {
    fatal: !retryable,
    error: errorText(error),
    ...(reason ? { reason } : {}),
    ...(error instanceof AdapterError && error.retryAfterMs !== undefined
      ? { retryAfterMs: error.retryAfterMs }
      : {}),
    at,
  };
}

type BreakerActor = Actor<typeof breakerMachine>;

/**
 * Reasons that mean the whole platform is unusable until the operator acts. Other
 * non-retryable failures (one chat blocked the bot, a message was refused) concern
 * one message only and do not count against the platform.
 */
export const PLATFORM_FATAL_REASONS: ReadonlySet<string> = new Set(['unauthorized', 'needs_relink']);

/**
 * Owns the breaker of every platform.
 *
 * @example
 * const breakers = new PlatformBreakers(deps);
 * gatewayMachine.provide({ actors: { adapterLink: breakers.hostLogic } });
 * breakers.pause('telegram');
 */
export class PlatformBreakers {
  readonly #deps: PlatformBreakerDeps;
  readonly #actors = new Map<string, BreakerActor>();
  /** The stop of each adapter's previous link, awaited before it starts again. */
  readonly #stopping = new Map<string, Promise<void>>();
  /** Where each adapter's failures go while a link is current. */
  readonly #failureRoutes = new Map<string, (error: unknown) => void>();
  /** The host logic: the gateway machine's `adapter:<name>` child. */
  readonly hostLogic;

  constructor(deps: PlatformBreakerDeps) {
    this.#deps = deps;
    for (const [name, adapter] of deps.adapters) {
      adapter.onFailure?.((error) => this.#failureRoutes.get(name)?.(error));
    }
    this.hostLogic = fromCallback<GatewayEvent, ChildInput>(({ input, sendBack }) => {
      const name = input.id.slice('adapter:'.length);
      let stopped = false;
      let reportedUp = false;
      let actor: BreakerActor | undefined;
      void this.#restore(name)
        .then((restored) => {
          if (stopped) return;
          actor = this.#startBreaker(name, restored, (view) => {
            if (!reportedUp && view.status !== 'connecting') {
              reportedUp = true;
              sendBack({ type: 'CHILD.UP', id: input.id });
            }
          });
        })
        .catch((error) => {
          sendBack({ type: 'CHILD.FAILED', id: input.id, error: errorText(error), at: deps.now() });
        });
      return () => {
        stopped = true;
        if (actor) {
          const snapshot = actor.getPersistedSnapshot();
          actor.stop();
          this.#actors.delete(name);
          void this.#persist(name, snapshot, actor.getSnapshot().value, actor.getSnapshot().context);
        }
      };
    });
  }

  /** Every platform's breaker, as `/platform list` shows them. */
  list(): BreakerView[] {
    return [...this.#deps.adapters.keys()].map((name) => this.view(name) ?? this.#starting(name));
  }

  /** One platform's breaker, or undefined when it is not running. */
  view(name: string): BreakerView | undefined {
    const actor = this.#actors.get(name);
    if (!actor) return undefined;
    const snap = actor.getSnapshot();
    return breakerView(snap.value, snap.context);
  }

  /**
   * Whether a platform may be sent to now: connected and not tripped (a paused platform still
   * sends). The breakers are the one source of this; the outbox sender asks here.
   */
  isUp(name: string): boolean {
    const status = this.view(name)?.status;
    return status === 'running' || status === 'paused';
  }

  /** Whether new inbound messages of a platform are dispatched (not paused, not tripped). */
  isDispatching(name: string): boolean {
    const status = this.view(name)?.status;
    return status !== 'paused' && status !== 'paused-by-breaker';
  }

  /** `/platform pause`: keeps the connection, drops new inbound messages. */
  pause(name: string): BreakerView | undefined {
    this.#actors.get(name)?.send({ type: 'PAUSE', at: this.#deps.now() });
    return this.view(name);
  }

  /** `/platform resume`: clears a pause, a trip or a needs-relink at once. */
  resume(name: string): BreakerView | undefined {
    this.#actors.get(name)?.send({ type: 'RESUME', at: this.#deps.now() });
    return this.view(name);
  }

  /** Counts a failure against a platform's breaker (a failed send, a reported drop). */
  report(name: string, error: unknown): void {
    const actor = this.#actors.get(name);
    if (!actor) return;
    const { fatal, ...failure } = failureOf(error, this.#deps.now());
    if (!fatal) actor.send({ type: 'FAILURE', ...failure });
    else if (failure.reason && PLATFORM_FATAL_REASONS.has(failure.reason))
      actor.send({ type: 'FATAL', ...failure });
  }

  /** Resolves when every adapter stop started by a link has finished. */
  async settle(): Promise<void> {
    await Promise.all(this.#stopping.values());
  }

  #starting(name: string): BreakerView {
    const now = this.#deps.now();
    return {
      platform: name,
      status: 'connecting',
      lastError: null,
      lastReason: null,
      since: now,
      failures: 0,
      attempt: 0,
    };
  }

  async #restore(name: string): Promise<BreakerInput['restored']> {
    const row = await this.#deps.store.actors.load(`breaker:${name}`);
    if (!row || row.machineVersion !== BREAKER_MACHINE_VERSION) return undefined;
    const saved = row.snapshot as { value?: { dispatch?: string }; context?: Partial<BreakerContext> };
    const dispatch = saved.value?.dispatch;
    return {
      dispatch: dispatch === 'paused' || dispatch === 'pausedByBreaker' ? dispatch : 'running',
      context: saved.context ?? {},
    };
  }

  #startBreaker(
    name: string,
    restored: BreakerInput['restored'],
    onView: (view: BreakerView) => void,
  ): BreakerActor {
    const deps = this.#deps;
    const log = deps.log.child({ platform: name });
    const machine = breakerMachine.provide({
      actors: { link: this.#linkLogic(name) },
      actions: {
        notifyTripped: ({ context }) => void this.#notifyTripped(name, context),
        notifyNeedsRelink: ({ context }) => void this.#notifyNeedsRelink(name, context),
        reportDispatch: () => {},
        // "up" is read from the breaker itself (`isUp`); the subscriber below wakes the outbox
        reportConnection: () => {},
      } satisfies ProvidedEffects<typeof breakerMachine, BreakerEffectName>,
    });
    const actor = createActor(machine, {
      input: {
        platform: name,
        at: deps.now(),
        settings: deps.settings(name),
        ...(restored ? { restored } : {}),
      },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
    this.#actors.set(name, actor);
    let previous = '';
    let wasUp = false;
    actor.subscribe({
      next: (snap) => {
        const view = breakerView(snap.value, snap.context);
        const up = view.status === 'running' || view.status === 'paused';
        if (up && !wasUp) deps.onUp?.(name);
        wasUp = up;
        const signature = `${view.status}|${view.failures}|${view.lastError}`;
        if (signature !== previous) {
          if (previous && view.status !== previous.split('|')[0]) {
            log.info(
              { status: view.status, lastError: view.lastError },
              `Platform ${name} is ${view.status}`,
            );
          }
          previous = signature;
          void this.#persist(name, actor.getPersistedSnapshot(), snap.value, snap.context);
          deps.onChange?.(view);
        }
        onView(view);
      },
      error: (error) => log.error({ err: errorText(error) }, 'Breaker actor error'),
    });
    actor.start();
    return actor;
  }

  async #persist(name: string, snapshot: unknown, value: unknown, context: BreakerContext): Promise<void> {
    try {
      await this.#deps.store.actors.save({
        actorId: `breaker:${name}`,
        kind: 'breaker',
        machineVersion: BREAKER_MACHINE_VERSION,
        state: breakerView(value, context).status,
        snapshot,
      });
    } catch (error) {
      this.#deps.log.error({ platform: name, err: errorText(error) }, 'Breaker state could not be saved');
    }
  }

  /** The link: starts the adapter, reports it up, turns failures into breaker events, stops it. */
  #linkLogic(name: string) {
    const deps = this.#deps;
    return fromCallback<BreakerEvent, LinkInput>(({ input, sendBack }) => {
      const adapter = deps.adapters.get(name);
      const log = deps.log.child({ platform: name });
      let active = true;
      const controller = new AbortController();
      const lose = (error: unknown) => {
        if (!active) return;
        active = false;
        log.warn({ err: errorText(error), attempt: input.attempt }, 'Adapter link lost');
        sendBack({ type: 'LINK.LOST', ...failureOf(error, deps.now()) });
      };
      this.#failureRoutes.set(name, lose);
      const ctx: AdapterContext = {
        ingest: deps.ingest,
        log,
        signal: controller.signal,
        reportError: (error) => {
          if (!active) return;
          log.warn({ err: errorText(error) }, 'Adapter reported a failure');
          this.report(name, error);
        },
        reportHealthy: () => {
          if (active) this.#actors.get(name)?.send({ type: 'HEALTHY', at: deps.now() });
        },
      };
      void (async () => {
        await this.#stopping.get(name);
        if (!active) return;
        if (!adapter) return lose(new Error(`No adapter named ${name}`));
        try {
          await adapter.start(ctx);
          if (!active) return;
          log.info({ attempt: input.attempt }, 'Adapter connected');
          sendBack({ type: 'LINK.UP', at: deps.now() });
          if (adapter.setCommands && deps.commands) {
            adapter
              .setCommands(deps.commands())
              .catch((error) =>
                log.warn({ err: errorText(error) }, 'The command menu could not be published'),
              );
          }
        } catch (error) {
          log.error({ err: errorText(error), attempt: input.attempt }, 'Adapter failed to start');
          lose(error);
        }
      })();
      return () => {
        const wasActive = active;
        active = false;
        controller.abort();
        if (this.#failureRoutes.get(name) === lose) this.#failureRoutes.delete(name);
        if (adapter) {
          const stop = (async () => {
            await this.#stopping.get(name);
            await adapter.stop();
          })().catch((error) => {
            if (wasActive) log.warn({ err: errorText(error) }, 'Adapter stop failed');
          });
          this.#stopping.set(name, stop);
        }
      };
    });
  }

  /** A notice to the home channel of another live platform; an error log line either way. */
  async #notifyTripped(name: string, context: BreakerContext): Promise<void> {
    const text =
      `⚠️ ${name} paused by its circuit breaker after ${context.failures.length} failures in ` +
      `${Math.round(context.settings.windowMs / 1000)} s (last error: ${context.lastError ?? 'unknown'}). ` +
      `New messages from ${name} are not answered until you send /platform resume ${name}.`;
    const notified = await this.#noticeElsewhere(name, text, `breaker-trip:${name}:${context.trips}`);
    this.#deps.log.error(
      {
        platform: name,
        failures: context.failures.length,
        windowMs: context.settings.windowMs,
        lastError: context.lastError,
        lastReason: context.lastReason,
        notified: notified ?? null,
      },
      notified
        ? `Circuit breaker tripped for ${name}; operator notified on ${notified}`
        : `Circuit breaker tripped for ${name}; no other live platform has a home channel to notify`,
    );
  }

  async #notifyNeedsRelink(name: string, context: BreakerContext): Promise<void> {
    const text =
      `⛔ ${name} stopped: ${context.lastError ?? 'fatal error'}. It needs the operator ` +
      `(new token or relink), then /platform resume ${name}.`;
    const notified = await this.#noticeElsewhere(
      name,
      text,
      `needs-relink:${name}:${context.connectionSince}`,
    );
    this.#deps.log.error(
      {
        platform: name,
        lastError: context.lastError,
        lastReason: context.lastReason,
        notified: notified ?? null,
      },
      `Platform ${name} needs the operator (${context.lastReason ?? 'fatal'})`,
    );
  }

  /** Queues `text` to the first other live platform with a home channel; returns its name. */
  async #noticeElsewhere(name: string, text: string, key: string): Promise<string | undefined> {
    for (const other of this.#deps.adapters.keys()) {
      if (other === name || this.view(other)?.status !== 'running') continue;
      if (!(await queueToHomeChannel(this.#deps.store, other, text, key))) continue;
      return other;
    }
    return undefined;
  }
}
