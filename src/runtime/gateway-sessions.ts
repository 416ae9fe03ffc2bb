/**
 * The session machine as the gateway runs it: the agent run with its tools
 * (the cronjob tool, background-process notices to the chat) and the effects
 * (outbox, timers, reply streams, tool progress, busy acknowledgements), and
 * spoken replies with the `text_to_speech` tool where speech is configured.
 */

import { agentOptionsFor } from '../actors/agent-run.ts';
import type { Adapter } from '../adapters/contract.ts';
import type { Agent } from '../agent/agent.ts';
import type { ContextCompressor } from '../agent/compress/context-compressor.ts';
import type { McpTools } from '../agent/mcp/mcp-manager.ts';
import { createCronjobTool } from '../agent/tools/cronjob.ts';
import { createTextToSpeechTool } from '../agent/tools/text-to-speech.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { SessionMachine, SessionSettings } from '../machines/session.ts';
import type { RunMedia } from '../media/run-media.ts';
import type { Store, TimerRow } from '../persistence/store.ts';
import type { VoiceReplies } from '../voice/voice-replies.ts';
import type { RuntimeSettings } from './gateway-options.ts';
import type { ReplyStreams } from './reply-streams.ts';
import { createToolsets, runMessagingTools } from './run-tools.ts';
import { createSessionLogic } from './session-logic.ts';
import type { ToolProgress } from './tool-progress.ts';

/** What the gateway's sessions need. */
export interface GatewaySessionDeps {
  /** The store (its outbox wakes the sender). */
  store: Store;
  agent: Agent;
  adapters: ReadonlyMap<string, Adapter>;
  config: GatewayConfig;
  settings: RuntimeSettings;
  log: RuntimeLogger;
  now: () => number;
  media: RunMedia;
  /** Durable timers (the scheduler). */
  timers: { set(timer: TimerRow): Promise<void>; cancel(key: string): Promise<void> };
  toolProgress: ToolProgress;
  replies: ReplyStreams;
  /** Runs a cron job now (the cronjob tool's `run`). */
  runJobNow: (id: string) => Promise<unknown>;
  takeBusyTip: () => boolean;
  /** Spoken replies and the `text_to_speech` tool (where speech is configured). */
  voice?: VoiceReplies;
  /** The MCP servers' tools, added to every chat run. */
  mcp?: Pick<McpTools, 'tools'>;
  /** Compresses conversations that would not fit the context window before a run. */
  compressor?: ContextCompressor;
}

/**
 * Creates the session logic the directory runs.
 *
 * @example
 * const logic = createGatewaySessionLogic({ store, agent, adapters, config, settings, log, now, media, timers, toolProgress, replies, runJobNow, takeBusyTip });
 */
export function createGatewaySessionLogic(deps: GatewaySessionDeps): SessionMachine {
  const { store, adapters, log, now, config, settings } = deps;
  const headless = (platform: string) => adapters.get(platform)?.capabilities.headless === true;
  const toolsets = createToolsets({ adapters, config });
  const voice = deps.voice?.configured ? deps.voice : undefined;
  return createSessionLogic({
    run: {
      agent: deps.agent,
      store,
      log,
      config,
      canAskApproval: (platform) => !headless(platform),
      media: deps.media,
      ...(deps.compressor ? { compressor: deps.compressor } : {}),
      toolsFor: (input) => [
        createCronjobTool({
          store,
          now,
          runJobNow: deps.runJobNow,
          // a chat's jobs deliver to that chat; the API server has no chat to deliver to
          ...(headless(input.platform)
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
        ...runMessagingTools({ store, adapters, config }, input),
        // nobody listens on the API server
        ...(voice && !headless(input.platform) ? [speechTool(voice, input.settings, config)] : []),
        ...(deps.mcp?.tools() ?? []),
      ],
      allowToolsFor: (input) => toolsets(input.platform).allows,
      ...(voice ? { voiceReply: (input, text, options) => voice.replyAttachment(input, text, options) } : {}),
      // a background process reports to the chat that started it; the API server has no chat to tell
      notifyChat: (input, text, key) => {
        if (headless(input.platform)) return;
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
          .catch((error) =>
            log.warn({ sessionKey: input.sessionKey, err: errorText(error) }, 'A notification was lost'),
          );
      },
    },
    effects: {
      store,
      adapters,
      log,
      busyAckEnabled: () => settings.busyAckEnabled,
      takeBusyTip: deps.takeBusyTip,
      timers: deps.timers,
      now,
      approvalTimeoutMs: settings.approvalTimeoutMs,
      clarifyTimeoutMs: config.agent.clarify_timeout_seconds * 1000,
      resetPolicy: (platform, chatType) => settings.resetPolicy(platform, chatType),
      toolProgress: deps.toolProgress,
      replies: deps.replies,
      userTurnText: (context, m) => deps.media.textWithFiles(m.text, m.attachments ?? [], context.platform),
    },
  });
}

/** The `text_to_speech` tool, spoken through the session's `/model` provider when it switched. */
function speechTool(voice: VoiceReplies, settings: SessionSettings, config: GatewayConfig) {
  const { endpoint } = agentOptionsFor(settings, config);
  return createTextToSpeechTool({ voice, ...(endpoint ? { endpoint } : {}) });
}
