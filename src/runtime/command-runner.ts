/**
 * Runs slash commands (the ingest pipeline decides what is one): builds the command's view of
 * the runtime (`CommandServices`), passes the command through the registry's
 * gate, and sends the answer through the outbox.
 */
import { agentOptionsFor } from '../actors/agent-run.ts';
import type { SessionDirectory } from '../actors/session-directory.ts';
import type { InboundMessage } from '../adapters/contract.ts';
import type { CompressionOutcome, ContextCompressor } from '../agent/compress/context-compressor.ts';
import type { CheckpointStore } from '../checkpoints/checkpoint-store.ts';
import { readHomeChannel, writeHomeChannel } from '../commands/home-channel.ts';
import type { CommandRegistry, ParsedCommand, Scope, TierPolicy } from '../commands/registry.ts';
import type {
  BackgroundTaskStarted,
  CommandServices,
  ConversationSummary,
  McpControl,
  PlatformControl,
} from '../commands/services.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { RuntimeLogger } from '../log/runtime-logger.ts';
import { IN_FLIGHT_STATES } from '../machines/session.ts';
import type { InboxRow, Store } from '../persistence/store.ts';
import type { ToolProgressControl } from './tool-progress.ts';

/** What the command runner needs from the runtime. */
export interface CommandRunnerDeps {
  registry: CommandRegistry;
  store: Store;
  directory: Pick<SessionDirectory, 'view' | 'send' | 'deliver'>;
  log: RuntimeLogger;
  /** The caller's tier in this scope (default: unrestricted). */
  tierPolicy?: (message: InboundMessage, scope: Scope) => TierPolicy;
  /** The gateway configuration (providers, personalities, platforms). */
  config: GatewayConfig;
  now: () => number;
  /** The platforms' breakers. */
  platforms: PlatformControl;
  /** Tool progress of the platforms (`/verbose`). */
  toolProgress?: ToolProgressControl;
  /** Spoken replies (`/voice status`). */
  voice?: CommandServices['voice'];
  /** The voice channels of a platform's adapter (`/voice join|leave`). */
  voiceChannels?: (platform: string) => CommandServices['voiceChannels'];
  /** The MCP servers (`/reload-mcp`). */
  mcp?: McpControl;
  /** Compresses a conversation (`/compress`). */
  compressor?: ContextCompressor;
  /** File-system checkpoints of the agent's working directory (`/rollback`). */
  checkpoints?: CheckpointStore;
  /** Starts a background task for the chat of `message`. */
  startBackground: (
    message: InboundMessage,
    sessionKey: string,
    prompt: string,
  ) => Promise<BackgroundTaskStarted>;
}

/** The conversations of a session from its transcript, oldest first. */
async function conversationsOf(store: Store, sessionKey: string, titles: Record<string, string>) {
  const entries = await store.transcript.listBySession(sessionKey);
  const byId = new Map<string, ConversationSummary>();
  for (const e of entries) {
    if (e.conversationId.endsWith('~undone')) continue;
    let c = byId.get(e.conversationId);
    if (!c) {
      c = {
        conversationId: e.conversationId,
        number: byId.size + 1,
        title: titles[e.conversationId] ?? null,
        firstMessage: '',
        turns: 0,
        lastActivity: e.createdAt,
      };
      byId.set(e.conversationId, c);
    }
    if (e.role === 'user' && !c.firstMessage) c.firstMessage = e.content;
    if (e.role === 'assistant') c.turns++;
    c.lastActivity = Math.max(c.lastActivity, e.createdAt);
  }
  return [...byId.values()];
}

/** Compresses the current conversation of a session with the session's model (`/compress`). */
async function compressSession(
  deps: CommandRunnerDeps,
  compressor: ContextCompressor,
  sessionKey: string,
): Promise<CompressionOutcome> {
  const view = await deps.directory.view(sessionKey);
  if (!view) return { kind: 'nothing', tokens: 0 };
  const options = agentOptionsFor(view.context.settings, deps.config);
  return compressor.compress({
    sessionKey,
    conversationId: view.context.conversationId,
    ...(options.model ? { model: options.model } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}

/**
 * Creates the runner of parsed slash commands.
 *
 * @example
 * const runCommand = createCommandRunner({ registry, store, directory, log, config, now, platforms, startBackground });
 * await runCommand(row, parseCommand(row.message.text)!);
 */
export function createCommandRunner(deps: CommandRunnerDeps) {
  const { store, directory } = deps;
  return async (row: InboxRow, parsed: ParsedCommand): Promise<void> => {
    const message = row.message;
    const sessionKey = row.sessionKey;
    let handedToSession = false;
    const services: CommandServices = {
      session: () => directory.view(sessionKey),
      send: (event) => directory.send(sessionKey, event, row),
      async deliver(mode, text, transcriptText) {
        handedToSession = true;
        await directory.deliver({ ...row, message: { ...message, text } }, mode, transcriptText);
      },
      async conversations() {
        const view = await directory.view(sessionKey);
        return conversationsOf(store, sessionKey, view?.context.titles ?? {});
      },
      usage: (conversationId) => store.transcript.usage(conversationId),
      transcript: (conversationId) => store.transcript.list(conversationId),
      setAside: (ids, conversationId) => store.transcript.moveEntries(ids, `${conversationId}~undone`),
      config: deps.config,
      now: deps.now,
      home: (platform) => readHomeChannel(store.meta, platform),
      setHome: (home) => writeHomeChannel(store.meta, home),
      insights: (sinceMs) => store.transcript.summary(sinceMs),
      platforms: deps.platforms,
      ...(deps.toolProgress ? { toolProgress: deps.toolProgress } : {}),
      ...(deps.mcp ? { mcp: deps.mcp } : {}),
      ...(deps.checkpoints ? { checkpoints: deps.checkpoints } : {}),
      startBackground: (prompt) => deps.startBackground(message, sessionKey, prompt),
      ...(deps.voice ? { voice: deps.voice } : {}),
      voiceChannels: deps.voiceChannels?.(message.platform),
      ...(deps.compressor
        ? { compress: () => compressSession(deps, deps.compressor as ContextCompressor, sessionKey) }
        : {}),
    };
    const scope: Scope = message.chatType === 'dm' ? 'dm' : 'group';
    const policy = deps.tierPolicy?.(message, scope) ?? { tier: 'unrestricted' as const, userCommands: [] };
    const view = await directory.view(sessionKey);
    const busy = view ? (IN_FLIGHT_STATES as readonly string[]).includes(view.state) : false;
    const reply = await deps.registry.dispatch(
      parsed,
      { message, sessionKey, tier: policy.tier, scope, busy, services },
      policy,
    );
    deps.log.info({ sessionKey, command: parsed.name, userId: message.userId }, 'Command');
    if (handedToSession) return; // the session answers it (and closes its inbox row)
    const writes: Promise<unknown>[] = [store.inbox.setStatus([row.id], 'done')];
    if (reply.text) {
      writes.push(
        store.outbox.enqueue(message.platform, {
          chatId: message.chatId,
          chatType: message.chatType,
          ...(message.threadId ? { threadId: message.threadId } : {}),
          text: reply.text,
          inReplyTo: [message.platformMessageId],
          idempotencyKey: `command:${row.id}`,
          sessionKey,
        }),
      );
    }
    await Promise.all(writes);
  };
}
