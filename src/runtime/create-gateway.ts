/**
 * The embeddable runtime's composition root: `createGateway()` builds every part
 * of a gateway, each before anything can call it, wires them, and returns the
 * handle to start, stop, ingest and observe it.
 *
 * The parts, one a file: `gateway-options.ts` (options and defaults),
 * `outbox.ts` (the outbox facade that wakes the sender), `ingest-pipeline.ts`
 * (the path of a message to its session), `gateway-sessions.ts` (the session
 * machine with its effects), `boot-recovery.ts` and `drain.ts` (the gateway
 * machine's boot and drain), `gateway-effects.ts` (its log effects) and
 * `gateway-lifecycle.ts` (start, stop, settled). The breakers
 * (`actors/platform-breakers.ts`) are the one source of "a platform is up".
 */
import { createActor } from 'xstate';
import { tierPolicy } from '../access/tiers.ts';
import { BackgroundTasks } from '../actors/background-tasks.ts';
import { DurableScheduler } from '../actors/durable-scheduler.ts';
import { OutboxSender } from '../actors/outbox-sender.ts';
import { PlatformBreakers } from '../actors/platform-breakers.ts';
import { serviceLogic } from '../actors/service-logic.ts';
import { SessionDirectory } from '../actors/session-directory.ts';
import type { IngestResult } from '../adapters/contract.ts';
import { createContextCompressor } from '../agent/compress/context-compressor.ts';
import { type CommandRegistry, createBuiltinRegistry } from '../commands/index.ts';
import { errorText } from '../log/runtime-logger.ts';
import { type GatewayActors, gatewayMachine } from '../machines/gateway.ts';
import { DEFAULT_SESSION_SETTINGS, type SessionEvent } from '../machines/session.ts';
import { defaultMediaDir, MediaStore } from '../media/media-store.ts';
import { RunMedia } from '../media/run-media.ts';
import { SkillCatalog } from '../skills/skill-catalog.ts';
import { VoiceReplies } from '../voice/voice-replies.ts';
import { createBootRecovery } from './boot-recovery.ts';
import { createCommandRunner } from './command-runner.ts';
import { createDrain } from './drain.ts';
import type { Gateway } from './gateway-api.ts';
import { createGatewayCron } from './gateway-cron.ts';
import { createGatewayEffects } from './gateway-effects.ts';
import { createGatewayLifecycle } from './gateway-lifecycle.ts';
import { type GatewayOptions, resolveGatewayOptions } from './gateway-options.ts';
import { createGatewaySessionLogic } from './gateway-sessions.ts';
import { IngestPipeline } from './ingest-pipeline.ts';
import { createIsolatedTools } from './isolated-tools.ts';
import { Observers } from './observers.ts';
import { Outbox, withOutbox } from './outbox.ts';
import { ReplyStreams } from './reply-streams.ts';
import { ToolProgress } from './tool-progress.ts';
import { TypingIndicator } from './typing-indicator.ts';

export type { Gateway, GatewayObservation } from './gateway-api.ts';
export {
  DEFAULT_RUNTIME_SETTINGS,
  type GatewayOptions,
  type MediaOptions,
  type RuntimeSettings,
} from './gateway-options.ts';

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
  const { settings, config, log, now, adapters } = resolveGatewayOptions(options);
  const { agent } = options;
  const platforms = [...adapters.keys()];
  const observers = new Observers(log);
  const emit = observers.emit;

  // The outbox: the sender, and the facade every other part enqueues through (it wakes the sender).
  const sender = new OutboxSender({
    store: options.store,
    adapters,
    isUp: (platform): boolean => breakers.isUp(platform),
    log,
    onSendError: (platform, error) => breakers.report(platform, error),
    onSettled: (row) => {
      toolProgress.replySettled(row);
      emit({ type: 'outbox', row });
    },
  });
  const store = withOutbox(options.store, new Outbox(options.store.outbox, (p) => sender.notify(p)));

  // The platforms' breakers: the one source of "up" (the sender may send) and "dispatching".
  // Adapters call `ingest` only once their link started, after the pipeline below exists.
  const breakers: PlatformBreakers = new PlatformBreakers({
    adapters,
    store,
    ingest: (message): Promise<IngestResult> => pipeline.ingest(message),
    log,
    now,
    settings: (platform) => settings.breaker(platform),
    onUp: (platform) => sender.notify(platform),
    onChange: (view) => emit({ type: 'platform', platform: view }),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    commands: () => registry.menu(),
  });

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

  const voice = new VoiceReplies({
    speech: options.speech,
    media,
    capabilities: (platform) => adapters.get(platform)?.capabilities,
    log,
  });

  // the facade wakes the sender on every committed reply, so the streams need no wake-up of their own
  const replies = new ReplyStreams({ store, adapters, log });
  // the progress messages belong to the reply record (the sender tells it when a reply settled)
  const toolProgress = new ToolProgress({ adapters, meta: store.meta, config, log, replies });
  const isolatedTools = createIsolatedTools({ adapters, config, mcp: options.mcp });
  const cron = createGatewayCron({
    store,
    agent,
    config,
    log,
    now,
    tickMs: settings.cronTickMs,
    runTimeoutMs: settings.cronRunTimeoutMs,
    toolsFor: isolatedTools,
  });
  const backgroundTasks = new BackgroundTasks({
    agent,
    store,
    log,
    now,
    config,
    toolsFor: isolatedTools,
    onChange: (task) => emit({ type: 'task', task }),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  const typing = new TypingIndicator({ adapters, log });
  const compressor = createContextCompressor({ store, agent, config, log });

  // Durable timers deliver to sessions; a session that cannot take its event keeps the timer's row.
  const scheduler: DurableScheduler = new DurableScheduler({
    store,
    now,
    log,
    deliver: (actorId, event): Promise<void> => directory.send(actorId, event as SessionEvent),
  });
  const directory: SessionDirectory = new SessionDirectory({
    store,
    logic: createGatewaySessionLogic({
      store,
      agent,
      adapters,
      config,
      settings,
      log,
      now,
      media: runMedia,
      timers: scheduler,
      toolProgress,
      replies,
      runJobNow: (id) => cron.runJobNow(id),
      takeBusyTip: () => options.onboarding?.takeBusyTip() ?? false,
      voice,
      ...(options.mcp ? { mcp: options.mcp } : {}),
      compressor,
    }),
    log,
    now,
    passivateAfterMs: settings.passivateAfterMs,
    busyInput: () => ({ mode: settings.busyInputMode, queueCap: settings.queueCap }),
    recoveredCommand: (row) => pipeline.commandOf(row),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    onChange: (session) => {
      typing.update(session);
      emit({ type: 'session', session });
    },
  });

  const skills: SkillCatalog | undefined = options.skillFolders
    ? new SkillCatalog({
        folders: options.skillFolders,
        log,
        isCommand: (name: string): boolean => registry.resolve(name) !== undefined,
      })
    : undefined;
  const registry: CommandRegistry = options.commands ?? createBuiltinRegistry(skills);
  const runCommand = createCommandRunner({
    registry,
    store,
    directory,
    log,
    config,
    now,
    tierPolicy: (message, scope) => tierPolicy(config, message.platform, scope, message.userId),
    toolProgress,
    voice,
    voiceChannels: (platform) => adapters.get(platform)?.voiceChannels,
    ...(options.mcp ? { mcp: options.mcp } : {}),
    compressor,
    ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
    platforms: {
      list: () => breakers.list(),
      pause: (name) => breakers.pause(name),
      resume: (name) => breakers.resume(name),
    },
    startBackground: async (message, sessionKey, prompt) => {
      const view = await directory.view(sessionKey);
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

  const pipeline: IngestPipeline = new IngestPipeline({
    store,
    adapters,
    log,
    now,
    sessionKeys: settings.sessionKeys,
    isOpen: () => {
      const snap = gateway.getSnapshot();
      return snap.matches('running') || snap.matches('draining');
    },
    isDispatching: (platform): boolean => breakers.isDispatching(platform),
    access: options.access,
    media,
    transcribe: options.transcribe,
    downloadTimeoutMs: options.media?.downloadTimeoutMs,
    directory,
    runCommand,
  });

  const machine = gatewayMachine.provide({
    actors: {
      boot: createBootRecovery({
        store,
        platforms,
        settings,
        log,
        now,
        recoverTasks: () => backgroundTasks.recover(),
      }),
      drain: createDrain({ store, directory, sender, platforms, settings, log, now }),
      adapterLink: breakers.hostLogic,
      cron,
      directory: serviceLogic(directory, now),
      scheduler: serviceLogic(scheduler, now),
      outbox: serviceLogic(sender, now),
    } satisfies GatewayActors,
    actions: createGatewayEffects(log),
  });
  const gateway = createActor(machine, {
    input: { adapterNames: platforms, restartBudget: settings.restartBudget },
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  gateway.subscribe({
    next: (snap) => emit({ type: 'gateway', state: String(snap.value), children: snap.context.children }),
    error: (error) => log.error({ err: errorText(error) }, 'Gateway actor error'),
  });

  const lifecycle = createGatewayLifecycle({
    gateway,
    store,
    agent,
    platforms,
    settings,
    log,
    now,
    closeStore: options.closeStoreOnStop === true,
    media,
    breakers,
    directory,
    sender,
    cron,
    ...(options.mcp ? { mcp: options.mcp } : {}),
    // the parts without a supervisor of their own, stopped after the machine
    stopParts: () => {
      backgroundTasks.stop();
      toolProgress.stop();
      replies.stop();
      typing.stop();
    },
  });

  return {
    actor: gateway,
    // the embedder's own store object (the parts above write through the outbox facade)
    store: options.store,
    start: lifecycle.start,
    stop: lifecycle.stop,
    settled: lifecycle.settled,
    ingest: pipeline.ingest,
    platforms: () => breakers.list(),
    pausePlatform: (name) => breakers.pause(name),
    resumePlatform: (name) => breakers.resume(name),
    backgroundTasks: () => backgroundTasks.active(),
    session: (key) => directory.view(key),
    sessions: () => directory.activeViews(),
    sendToSession: (key, event) => directory.send(key, event),
    subscribe: (listener) => observers.subscribe(listener),
  };
}
