/**
 * The embeddable runtime: `createGateway()` wires the gateway machine to a
 * store, an agent and adapters, and returns a handle to start, stop, ingest and
 * observe it.
 */
import { type Actor, createActor, fromPromise, type InspectionEvent } from 'xstate';
import type { AccessControl } from '../access/access-control.ts';
import { tierPolicy } from '../access/tiers.ts';
import { BackgroundTasks } from '../actors/background-tasks.ts';
import { DurableScheduler } from '../actors/durable-scheduler.ts';
import { OutboxSender } from '../actors/outbox-sender.ts';
import { PlatformBreakers } from '../actors/platform-breakers.ts';
import { serviceLogic } from '../actors/service-logic.ts';
import { restorableSnapshot, SessionDirectory, type SessionView } from '../actors/session-directory.ts';
import type { Adapter, ChatType, InboundMessage, IngestResult } from '../adapters/contract.ts';
import type { Agent } from '../agent/agent.ts';
import { createCronjobTool } from '../agent/tools/cronjob.ts';
import type { Transcriber } from '../agent/transcribe.ts';
import { type CommandRegistry, createBuiltinRegistry } from '../commands/index.ts';
import { DEFAULT_CONFIG, type GatewayConfig } from '../config/schema.ts';
import { GatewayError } from '../errors.ts';
import { errorText, type RuntimeLogger, silentLogger } from '../log/runtime-logger.ts';
import type { BackgroundTaskContext } from '../machines/background-task.ts';
import type { BreakerSettings, BreakerView } from '../machines/breaker.ts';
import {
  type GatewayContext,
  type GatewayMachine,
  gatewayMachine,
  SERVICE_IDS,
} from '../machines/gateway.ts';
import {
  type BusyMode,
  DEFAULT_QUEUE_CAP,
  DEFAULT_SESSION_SETTINGS,
  IN_FLIGHT_STATES,
  SESSION_MACHINE_VERSION,
} from '../machines/session.ts';
import { storeInboundMedia } from '../media/inbound-media.ts';
import { defaultMediaDir, MediaStore } from '../media/media-store.ts';
import { RunMedia } from '../media/run-media.ts';
import type { OutboxRow, Store } from '../persistence/store.ts';
import { createCommandRunner } from './command-runner.ts';
import { createGatewayCron } from './gateway-cron.ts';
import { createGatewayEffects } from './gateway-effects.ts';
import { ReplyStreams } from './reply-streams.ts';
import type { ResetPolicy } from './reset-policy.ts';
import { backOnlineNotice, notifyHomeChannels, restartingNotice } from './restart-notices.ts';
import { DEFAULT_SESSION_KEY_POLICY, type SessionKeyPolicy, sessionKeyOf } from './session-key.ts';
import { createSessionLogic } from './session-logic.ts';
import { ToolProgress } from './tool-progress.ts';
import { TypingIndicator } from './typing-indicator.ts';
import { validateGatewayOptions } from './validate-options.ts';

/** The boot times (epoch ms) within the restart-loop window, this boot included. */
function recentBoots(stored: string | undefined, now: number, windowMs: number): number[] {
  let previous: unknown = [];
  try {
    previous = JSON.parse(stored ?? '[]');
  } catch {
    previous = [];
  }
  const times = Array.isArray(previous) ? previous.filter((t): t is number => typeof t === 'number') : [];
  return [...times.filter((t) => now - t < windowMs), now];
}

/** Runtime settings; every field has a default. */
export interface RuntimeSettings {
  /** Passivate sessions idle this long (default 10 min). */
  passivateAfterMs: number;
  /** How long a restart-interrupted turn waits for the user to resume it (default 24 h). */
  autoResumeWindowMs: number;
  /** One-for-one restart budget of the gateway's children (default 5 in 60 s). */
  restartBudget: { maxRestarts: number; windowMs: number };
  /** How long a graceful stop waits for replies to go out (default 10 s). */
  drainTimeoutMs: number;
  /** How messages map to sessions. */
  sessionKeys: SessionKeyPolicy;
  /** How long `start()` waits for adapters to connect before it resolves anyway (default 10 s). */
  adapterStartWaitMs: number;
  /** What a message does while the agent works: interrupt (default), queue or steer. */
  busyInputMode: BusyMode;
  /** Most follow-ups a session queues (default 32); an overflow is told to the user. */
  queueCap: number;
  /** Whether ⚡ / ⏳ / ⏩ acknowledgements are sent (default true). */
  busyAckEnabled: boolean;
  /** How long a dangerous command waits for approval before it is denied (default 5 min). */
  approvalTimeoutMs: number;
  /** Whether a platform's home channel gets restart notices (`gateway_restart_notification`, default true). */
  restartNotification: (platform: string) => boolean;
  /** This many starts within `windowMs` count as a restart loop: auto-resume is skipped (default 3 in 60 s). */
  restartLoopGuard: { boots: number; windowMs: number };
  /** The reset policy of a chat; default: `none` (an embedding app chooses; `hermes gateway` uses config.yaml). */
  resetPolicy: (platform: string, chatType: ChatType) => ResetPolicy | undefined;
  /** Milliseconds between cron ticks (default 60 000). */
  cronTickMs: number;
  /** Longest a cron run may take before it is aborted and reported failed (default 10 min). */
  cronRunTimeoutMs: number;
  /** Circuit breaker tuning of a platform (default 5 failures in 60 s trip it; reconnects back off 1 s → 60 s). */
  breaker: (platform: string) => Partial<BreakerSettings>;
}

/** Default runtime settings. */
export const DEFAULT_RUNTIME_SETTINGS: RuntimeSettings = {
  passivateAfterMs: 600_000,
  autoResumeWindowMs: 24 * 3_600_000,
  restartBudget: { maxRestarts: 5, windowMs: 60_000 },
  drainTimeoutMs: 10_000,
  sessionKeys: DEFAULT_SESSION_KEY_POLICY,
  adapterStartWaitMs: 10_000,
  busyInputMode: 'interrupt',
  queueCap: DEFAULT_QUEUE_CAP,
  busyAckEnabled: true,
  approvalTimeoutMs: 300_000,
  resetPolicy: () => undefined,
  restartLoopGuard: { boots: 3, windowMs: 60_000 },
  restartNotification: () => true,
  breaker: () => ({}),
  cronTickMs: 60_000,
  cronRunTimeoutMs: 600_000,
};

/** Where the gateway keeps the files of messages (both ways), and their limits. */
export interface MediaOptions {
  /**
   * The media folder. Default: `hermes-media-<uid>` in the system's temp folder
   * (`hermes gateway` uses `$HERMES_HOME/media`); give a folder that survives
   * reboots when queued messages with files must too.
   */
  dir?: string;
  /** Largest file stored at ingest or sent by the agent, in bytes (default 20 MB). */
  maxBytes?: number;
  /** Stored files older than this many days are removed, at start and every hour (default 7). */
  retentionDays?: number;
  /** Longest one download may take at ingest, in ms (default 60 000); a slower one becomes a note to the agent. */
  downloadTimeoutMs?: number;
  /**
   * Folders the agent may send files from (with `MEDIA:/path` lines), besides the
   * media folder; the first is its working directory. Default: the current directory.
   */
  sendFrom?: string[];
}

/** Options of `createGateway()`. */
export interface GatewayOptions {
  /** Where everything is persisted (`createSqliteStore()`, `createMemoryStore()` or your own). */
  store: Store;
  /** The agent backend (`createAgent()` or your own). */
  agent: Agent;
  /** Platform adapters (each with a unique name). */
  adapters?: Adapter[];
  /** Runtime settings (partial; defaults fill the rest). */
  settings?: Partial<RuntimeSettings>;
  logger?: RuntimeLogger;
  /** Receives the XState inspection events of the gateway actor and every session actor. */
  inspect?: (event: InspectionEvent) => void;
  /** Clock (epoch ms); defaults to `Date.now`. */
  now?: () => number;
  /** Close the store when the gateway stops (default false: the embedder owns it). */
  closeStoreOnStop?: boolean;
  /**
   * The gateway configuration as `hermes gateway` reads it from config.yaml (validated; see
   * `validateConfig`): providers and personalities for `/model` and `/personality`, permission tiers
   * per platform. Default: the documented defaults.
   */
  config?: GatewayConfig;
  /**
   * The access gate (allowlists, DM pairing). `hermes gateway` always sets it (default deny); an
   * embedding app that authorizes users at its own transport may leave it out.
   */
  access?: Pick<AccessControl, 'authorize'>;
  /** The slash-command registry (default: every built-in command); register your own on it. */
  commands?: CommandRegistry;
  /**
   * One-time onboarding hints: `takeBusyTip()` answers true once per install (the
   * first busy acknowledgement then carries a tip about `display.busy_input_mode`).
   */
  onboarding?: { takeBusyTip(): boolean };
  /** The media folder and its limits (see `MediaOptions` for the defaults). */
  media?: MediaOptions;
  /**
   * Transcribes voice notes at ingest where the adapter declares voice and did not
   * transcribe them itself (`createTranscriber()`); the transcript becomes the message text.
   */
  transcribe?: Transcriber;
}

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
  /** Observes the gateway, every session change and every settled reply. Returns the unsubscribe function. */
  subscribe(listener: (observation: GatewayObservation) => void): () => void;
  /**
   * Resolves when every accepted message reached its session, no session has a run in flight or
   * queued, and the outbox is idle (for tests and scripts).
   */
  settled(timeoutMs?: number): Promise<void>;
}

/**
 * Creates a gateway.
 *
 * @example
 * const gateway = createGateway({ store: createSqliteStore({ path: 'state.db' }), agent: createEchoAgent(), adapters: [myAdapter] });
 * await gateway.start();
 * await gateway.ingest({ platform: 'my', chatType: 'dm', chatId: '1', userId: 'u', text: 'hi', platformMessageId: 'm1' });
 * await gateway.stop();
 */
export function createGateway(options: GatewayOptions): Gateway {
  validateGatewayOptions(options);
  const settings: RuntimeSettings = { ...DEFAULT_RUNTIME_SETTINGS, ...options.settings };
  const { store, agent } = options;
  const config = options.config ?? DEFAULT_CONFIG;
  const log = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const adapters = new Map((options.adapters ?? []).map((a) => [a.name, a] as const));
  const up = new Set<string>();
  const listeners = new Set<(o: GatewayObservation) => void>();
  const emit = (o: GatewayObservation) => {
    for (const l of listeners) {
      try {
        l(o);
      } catch (error) {
        log.warn({ err: errorText(error) }, 'A gateway observer threw');
      }
    }
  };

  let directory: SessionDirectory | undefined;
  let scheduler: DurableScheduler | undefined;
  let outbox: OutboxSender | undefined;

  const media = new MediaStore({
    dir: options.media?.dir ?? defaultMediaDir(),
    ...(options.media?.maxBytes !== undefined ? { maxBytes: options.media.maxBytes } : {}),
    ...(options.media?.retentionDays !== undefined ? { retentionDays: options.media.retentionDays } : {}),
    now,
  });
  const runMedia = new RunMedia({
    media,
    capabilities: (platform) => adapters.get(platform)?.capabilities,
    ...(options.media?.sendFrom ? { sendFrom: options.media.sendFrom } : {}),
  });

  const toolProgress = new ToolProgress({ adapters, meta: store.meta, config, log });
  const replies = new ReplyStreams({ store, adapters, log, onOutbox: (p) => outbox?.notify(p) });
  const sessionLogic = createSessionLogic({
    run: {
      agent,
      store,
      log,
      config,
      canAskApproval: (platform) => adapters.get(platform)?.capabilities.headless !== true,
      media: runMedia,
      toolsFor: (input) => [
        createCronjobTool({
          store,
          now,
          runJobNow: (id) => cron.runJobNow(id),
          // a chat's jobs deliver to that chat; the API server has no chat to deliver to
          ...(adapters.get(input.platform)?.capabilities.headless
            ? {}
            : {
                origin: {
                  platform: input.platform,
                  chatType: input.chatType ?? 'dm',
                  chatId: input.chatId,
                  ...(input.threadId ? { threadId: input.threadId } : {}),
                },
              }),
        }),
      ],
      // a background process reports to the chat that started it; the API server has no chat to tell
      notifyChat: (input, text, key) => {
        if (adapters.get(input.platform)?.capabilities.headless) return;
        store.outbox
          .enqueue(input.platform, {
            chatId: input.chatId,
            chatType: input.chatType ?? 'dm',
            ...(input.threadId ? { threadId: input.threadId } : {}),
            text,
            inReplyTo: [],
            idempotencyKey: `bgproc:${key ?? `${input.run.runId}:${now()}`}`,
            sessionKey: input.sessionKey,
          })
          .then(
            () => outbox?.notify(input.platform),
            (error) =>
              log.warn({ sessionKey: input.sessionKey, err: errorText(error) }, 'A notification was lost'),
          );
      },
    },
    effects: {
      store,
      adapters,
      log,
      onOutbox: () => outbox?.notify(),
      busyAckEnabled: () => settings.busyAckEnabled,
      takeBusyTip: () => options.onboarding?.takeBusyTip() ?? false,
      timers: {
        set: async (timer) => scheduler?.set(timer),
        cancel: async (key) => scheduler?.cancel(key),
      },
      now,
      approvalTimeoutMs: settings.approvalTimeoutMs,
      resetPolicy: (platform, chatType) => settings.resetPolicy(platform, chatType),
      toolProgress,
      replies,
      userTurnText: (context, m) => runMedia.textWithFiles(m.text, m.attachments ?? [], context.platform),
    },
  });

  const ingest = async (incoming: InboundMessage): Promise<IngestResult> => {
    let message = incoming;
    if (!gateway.getSnapshot().matches('running') && !gateway.getSnapshot().matches('draining')) {
      throw new GatewayError(
        'GATEWAY_ERR_STATE',
        'The gateway is not running; start() it before ingesting messages',
      );
    }
    const sessionKey = sessionKeyOf(message, settings.sessionKeys);
    if (!breakers.isDispatching(message.platform) && !/^\/platform\b/i.test(message.text.trim())) {
      // paused (by the operator or the breaker): the platform is acknowledged, nothing is dispatched
      log.info(
        { platform: message.platform, platformMessageId: message.platformMessageId },
        `Inbound message dropped: ${message.platform} is paused`,
      );
      return { inboxId: -1, duplicate: false, sessionKey, refused: 'ignore' };
    }
    if (options.access) {
      // default deny: the gate runs before anything is stored, on every message (idle or busy session)
      const decision = await options.access.authorize(message);
      if (decision.kind !== 'allow') {
        if (decision.kind === 'pair') await sendPairingReply(message, sessionKey, decision.reply);
        return { inboxId: -1, duplicate: false, sessionKey, refused: decision.kind };
      }
      if (decision.notice) await noticeTo(message, sessionKey, decision.notice);
    }
    // files are stored before the inbox commit: the row holds references, a failed download a note
    message = await storeInboundMedia(message, {
      media,
      adapter: adapters.get(message.platform),
      log,
      ...(options.transcribe ? { transcribe: options.transcribe } : {}),
      ...(options.media?.downloadTimeoutMs ? { downloadTimeoutMs: options.media.downloadTimeoutMs } : {}),
    });
    const { id, duplicate } = await store.inbox.accept(message, sessionKey);
    if (duplicate) {
      log.info(
        { platform: message.platform, platformMessageId: message.platformMessageId },
        'Duplicate message ignored',
      );
    } else {
      void directory?.deliver({
        id,
        platform: message.platform,
        platformMessageId: message.platformMessageId,
        sessionKey,
        message,
        status: 'accepted',
        receivedAt: now(),
      });
    }
    return { inboxId: id, duplicate, sessionKey };
  };

  const registry = options.commands ?? createBuiltinRegistry();
  const runCommand = createCommandRunner({
    registry,
    store,
    directory: () => directory,
    log,
    onOutbox: () => outbox?.notify(),
    config,
    now,
    tierPolicy: (message, scope) => tierPolicy(config, message.platform, scope, message.userId),
    toolProgress,
    platforms: {
      list: () => breakers.list(),
      pause: (name) => breakers.pause(name),
      resume: (name) => breakers.resume(name),
    },
    startBackground: async (message, sessionKey, prompt) => {
      const view = await directory?.view(sessionKey);
      return backgroundTasks.start(
        {
          platform: message.platform,
          chatId: message.chatId,
          chatType: message.chatType,
          ...(message.threadId ? { threadId: message.threadId } : {}),
          sessionKey,
          platformMessageId: message.platformMessageId,
        },
        prompt,
        view?.context.settings ?? DEFAULT_SESSION_SETTINGS,
      );
    },
  });

  const cron = createGatewayCron({
    store,
    agent,
    config,
    log,
    now,
    tickMs: settings.cronTickMs,
    runTimeoutMs: settings.cronRunTimeoutMs,
    onOutbox: (platform) => outbox?.notify(platform),
  });

  const typing = new TypingIndicator({ adapters, log });

  const backgroundTasks = new BackgroundTasks({
    agent,
    store,
    log,
    now,
    config,
    onOutbox: (platform) => outbox?.notify(platform),
    onChange: (task) => emit({ type: 'task', task }),
  });

  /**
   * The pairing code goes straight to the adapter, never through the outbox or the
   * transcript: only its salted hash may be stored.
   */
  const sendPairingReply = async (message: InboundMessage, sessionKey: string, text: string) => {
    const adapter = adapters.get(message.platform);
    try {
      await adapter?.send({
        chatId: message.chatId,
        chatType: message.chatType,
        ...(message.threadId ? { threadId: message.threadId } : {}),
        text,
        inReplyTo: [message.platformMessageId],
        idempotencyKey: `pairing:${message.platform}:${message.platformMessageId}`,
        sessionKey,
      });
    } catch (error) {
      log.warn({ platform: message.platform, err: errorText(error) }, 'The pairing reply could not be sent');
    }
  };
  const noticeTo = async (message: InboundMessage, sessionKey: string, text: string) => {
    await store.outbox.enqueue(message.platform, {
      chatId: message.chatId,
      chatType: message.chatType,
      ...(message.threadId ? { threadId: message.threadId } : {}),
      text,
      inReplyTo: [],
      idempotencyKey: `access-notice:${message.platform}:${message.platformMessageId}`,
      sessionKey,
    });
    outbox?.notify(message.platform);
  };

  const breakers = new PlatformBreakers({
    adapters,
    store,
    ingest,
    log,
    now,
    settings: (platform) => settings.breaker(platform),
    setUp: (name, isUp) => {
      if (isUp === up.has(name)) return;
      if (isUp) {
        up.add(name);
        outbox?.notify(name);
      } else up.delete(name);
    },
    onOutbox: (platform) => outbox?.notify(platform),
    onChange: (view) => emit({ type: 'platform', platform: view }),
    commands: () => registry.list().map((c) => ({ name: c.name, description: c.description })),
  });

  const boot = fromPromise(async () => {
    await store.migrate();
    const started = await store.meta.get('started_at');
    const clean = await store.meta.get('clean_shutdown');
    if (started && !clean) log.warn({}, 'The gateway did not shut down cleanly last time; recovering');
    await store.meta.delete('clean_shutdown');
    await store.meta.set('started_at', String(now()));
    const guard = settings.restartLoopGuard;
    const boots = recentBoots(await store.meta.get('boot_times'), now(), guard.windowMs);
    await store.meta.set('boot_times', JSON.stringify(boots));
    const restartLoop = boots.length >= guard.boots;
    for (const row of await store.actors.list('session', [...IN_FLIGHT_STATES])) {
      let snapshot: unknown;
      try {
        ({ snapshot } = restorableSnapshot(row));
      } catch (error) {
        log.error(
          { sessionKey: row.actorId, err: errorText(error) },
          'A session row cannot be restored; it is left as it is',
        );
        continue;
      }
      await store.actors.save({
        actorId: row.actorId,
        kind: 'session',
        machineVersion: SESSION_MACHINE_VERSION,
        state: 'restartInterrupted',
        snapshot,
      });
    }
    const interrupted = await store.actors.list('session', ['restartInterrupted']);
    for (const row of interrupted) {
      await store.timers.set({
        key: `auto-resume:${row.actorId}`,
        actorId: row.actorId,
        event: { type: 'AUTO_RESUME.EXPIRED' },
        // in a restart loop the interrupted turns are closed at once instead of resumed
        dueAt: restartLoop ? now() : now() + settings.autoResumeWindowMs,
      });
    }
    if (restartLoop && interrupted.length > 0) {
      log.warn(
        {
          boots: boots.length,
          withinMs: guard.windowMs,
          sessions: interrupted.map((r) => r.actorId),
        },
        `Restart loop: ${boots.length} starts within ${guard.windowMs / 1000} s; auto-resume skipped for ${interrupted.length} session(s)`,
      );
    }
    if (interrupted.length > 0) {
      await notifyHomeChannels({
        store,
        platforms: [...adapters.keys()],
        wantsNotice: settings.restartNotification,
        text: backOnlineNotice(interrupted.length),
        key: `back-online:${now()}`,
      });
    }
    const tasks = await backgroundTasks.recover();
    if (tasks > 0) log.info({ count: tasks }, `Recovered ${tasks} unfinished background task(s)`);
    if (!restartLoop && interrupted.length > 0) {
      log.info(
        { count: interrupted.length, sessions: interrupted.map((r) => r.actorId) },
        `Scheduled auto-resume for ${interrupted.length} restart-interrupted session(s)`,
      );
    }
  });

  const drain = fromPromise<void, { reason: string }>(async ({ input }) => {
    log.info({ reason: input.reason }, 'Gateway draining');
    const interrupted = (await directory?.drain()) ?? [];
    if (interrupted.length) {
      log.info(
        { count: interrupted.length, sessions: interrupted },
        'Runs in flight marked restart-interrupted',
      );
      await notifyHomeChannels({
        store,
        platforms: [...adapters.keys()],
        wantsNotice: settings.restartNotification,
        text: restartingNotice(interrupted.length),
        key: `restarting:${(await store.meta.get('started_at')) ?? now()}`,
      });
    }
    await store.flush();
    outbox?.notify();
    await outbox?.idle(settings.drainTimeoutMs);
  });

  const machine = gatewayMachine.provide({
    actors: {
      boot,
      drain,
      adapterLink: breakers.hostLogic,
      cron,
      directory: serviceLogic(() => {
        directory = new SessionDirectory({
          store,
          logic: sessionLogic,
          log,
          now,
          passivateAfterMs: settings.passivateAfterMs,
          busyInput: () => ({ mode: settings.busyInputMode, queueCap: settings.queueCap }),
          onCommand: runCommand,
          ...(options.inspect ? { inspect: options.inspect } : {}),
          onChange: (session) => {
            typing.update(session);
            emit({ type: 'session', session });
          },
        });
        return directory;
      }, now),
      scheduler: serviceLogic(() => {
        scheduler = new DurableScheduler({
          store,
          now,
          log,
          deliver: async (actorId, event) => {
            await directory?.send(actorId, event as never);
          },
        });
        return scheduler;
      }, now),
      outbox: serviceLogic(() => {
        outbox = new OutboxSender({
          store,
          adapters,
          isUp: (name) => up.has(name),
          log,
          onSendError: (platform, error) => breakers.report(platform, error),
          onSettled: (row) => {
            toolProgress.replySettled(row);
            emit({ type: 'outbox', row });
          },
        });
        return outbox;
      }, now),
    },
    actions: createGatewayEffects(log),
  });

  const gateway = createActor(machine, {
    input: { adapterNames: [...adapters.keys()], restartBudget: settings.restartBudget },
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  gateway.subscribe({
    next: (snap) => emit({ type: 'gateway', state: String(snap.value), children: snap.context.children }),
    error: (error) => log.error({ err: errorText(error) }, 'Gateway actor error'),
  });

  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  /** Resolves true once `predicate` holds for the gateway's snapshot, or false after `timeoutMs`. */
  const waitFor = (predicate: () => boolean, timeoutMs = Number.POSITIVE_INFINITY) =>
    new Promise<boolean>((resolve) => {
      if (predicate()) return resolve(true);
      let timer: NodeJS.Timeout | undefined;
      const sub = gateway.subscribe(() => {
        if (!predicate()) return;
        sub.unsubscribe();
        clearTimeout(timer);
        resolve(true);
      });
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          sub.unsubscribe();
          resolve(false);
        }, timeoutMs);
      }
    });
  /** Whether a child has started (or already failed once). */
  const settledChild = (id: string) => {
    const c = gateway.getSnapshot().context.children[id];
    return c?.status !== 'starting' || c.attempt > 0;
  };

  const handle: Gateway = {
    actor: gateway,
    store,
    start() {
      started ??= (async () => {
        media.startSweeping(
          (removed) => {
            if (removed > 0)
              log.info({ removed, dir: media.dir }, `Removed ${removed} expired media file(s)`);
          },
          (error) => log.warn({ dir: media.dir, err: errorText(error) }, 'The media sweep failed'),
        );
        gateway.start();
        await waitFor(() => {
          const snap = gateway.getSnapshot();
          if (snap.status !== 'active') return true;
          return snap.matches('running') && SERVICE_IDS.every(settledChild);
        });
        const snap = gateway.getSnapshot();
        if (snap.status !== 'active') {
          throw new GatewayError(
            'GATEWAY_ERR_STATE',
            `The gateway failed to start: ${snap.context.bootError}`,
            {
              cause: snap.context.bootError,
            },
          );
        }
        const linkIds = [...adapters.keys()].map((name) => `adapter:${name}`);
        await waitFor(() => linkIds.every(settledChild), settings.adapterStartWaitMs);
        const connecting = linkIds.filter((id) => !settledChild(id));
        if (connecting.length)
          log.warn({ adapters: connecting }, 'Adapters still connecting; the gateway runs meanwhile');
        log.info({ adapters: [...adapters.keys()], agent: agent.name }, 'Gateway running');
      })();
      return started;
    },
    stop(reason = 'stop') {
      stopped ??= (async () => {
        if (!started) return;
        await started.catch(() => {});
        if (gateway.getSnapshot().status === 'active') {
          gateway.send({ type: 'STOP', reason });
          await waitFor(() => gateway.getSnapshot().status !== 'active');
        }
        backgroundTasks.stop();
        media.stopSweeping();
        toolProgress.stop();
        replies.stop();
        typing.stop();
        await agent.close?.();
        await cron.settle();
        await breakers.settle();
        await Promise.all([directory?.stop(), scheduler?.stop(), outbox?.stop(0)]);
        await store.meta.set('clean_shutdown', String(now()));
        await store.flush();
        if (options.closeStoreOnStop) await store.close();
        log.info({ reason }, 'Gateway stopped');
      })();
      return stopped;
    },
    ingest,
    platforms: () => breakers.list(),
    pausePlatform: (name) => breakers.pause(name),
    resumePlatform: (name) => breakers.resume(name),
    backgroundTasks: () => backgroundTasks.active(),
    session: async (key) => directory?.view(key) ?? undefined,
    sessions: () => directory?.activeViews() ?? [],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settled(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        // Checked in the order a message travels (inbox → session → outbox), so one moving
        // forward between two checks is always seen by the later one.
        await store.flush();
        const undelivered = gateway.getSnapshot().matches('running')
          ? (await store.inbox.listByStatus('accepted')).length
          : 0;
        const busy = (directory?.activeViews() ?? []).some(
          (s) => (IN_FLIGHT_STATES as readonly string[]).includes(s.state) || s.context.queue.length > 0,
        );
        await store.flush();
        const pending = await store.outbox.listByStatus(['pending', 'sending']);
        const waiting = pending.filter((r) => up.has(r.platform));
        if (undelivered === 0 && !busy && waiting.length === 0 && !outbox?.busy) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new GatewayError('GATEWAY_ERR_STATE', `The gateway did not settle within ${timeoutMs} ms`);
    },
  };
  return handle;
}
