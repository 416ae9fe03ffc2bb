/**
 * What commands need from the runtime, for the chat they were sent in. The
 * runtime implements it; tests use an in-memory fake.
 */
import type { SessionView } from '../actors/session-directory.ts';
import type { VoiceChannelControl } from '../adapters/contract.ts';
import type { CompressionOutcome } from '../agent/compress/context-compressor.ts';
import type { McpTools } from '../agent/mcp/mcp-manager.ts';
import type { CheckpointStore } from '../checkpoints/checkpoint-store.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { BreakerView } from '../machines/breaker.ts';
import type { BusyMode, SessionEvent } from '../machines/session.ts';
import type { TranscriptEntry, TranscriptSummary } from '../persistence/store.ts';
import type { ToolProgressControl } from '../runtime/tool-progress.ts';
import type { VoiceStatus } from '../voice/voice-replies.ts';
import type { HomeChannel } from './home-channel.ts';

/** One conversation of a session, for `/resume`. */
export interface ConversationSummary {
  conversationId: string;
  /** 1-based number in the order the conversations started. */
  number: number;
  title: string | null;
  /** The first user message, for recognising it. */
  firstMessage: string;
  turns: number;
  /** Epoch ms of its last entry. */
  lastActivity: number;
}

/** The platforms' circuit breakers, as `/platform` drives them. */
export interface PlatformControl {
  /** Every platform with its status, last reason and since when. */
  list(): BreakerView[];
  /** Keeps the connection, drops new inbound messages; undefined for an unknown platform. */
  pause(name: string): BreakerView | undefined;
  /** Clears a pause, a trip or a needs-relink at once; undefined for an unknown platform. */
  resume(name: string): BreakerView | undefined;
}

/** The MCP servers, as `/reload-mcp` drives them. */
export type McpControl = Pick<McpTools, 'reload'>;

/** A background task as `/background` reports it. */
export interface BackgroundTaskStarted {
  /** `bg_HHMMSS_xxxxxx`. */
  taskId: string;
}

/** The runtime, as seen from one chat's commands. */
export interface CommandServices {
  /** This chat's session (live or persisted), if it has one. */
  session(): Promise<SessionView | undefined>;
  /** Sends an event to this chat's session (activating it). */
  send(event: SessionEvent): Promise<void>;
  /**
   * Hands `text` to this chat's session as a message with the given busy-input mode (`/queue`,
   * `/steer`) or the configured one (`'configured'`, a skill's turn). `transcriptText`, when given,
   * is what the transcript records instead of `text` (the command line the user typed).
   */
  deliver(mode: BusyMode | 'configured', text: string, transcriptText?: string): Promise<void>;
  /** The conversations of this chat's session, oldest first. */
  conversations(): Promise<ConversationSummary[]>;
  /** Tokens and turns of a conversation. */
  usage(conversationId: string): Promise<{ inputTokens: number; outputTokens: number; turns: number }>;
  /** The transcript of a conversation, oldest first. */
  transcript(conversationId: string): Promise<TranscriptEntry[]>;
  /** Sets transcript entries of a conversation aside (`/undo`, `/retry`): the agent no longer sees them. */
  setAside(entryIds: number[], conversationId: string): Promise<void>;
  /** The running configuration (`providers` for `/model`, `personalities` for `/personality`). */
  readonly config: GatewayConfig;
  /** The current time, epoch ms (a test clock in tests). */
  now(): number;
  /** The home channel of a platform, if one was set (`/sethome`). */
  home(platform: string): Promise<HomeChannel | undefined>;
  /** Makes `home` its platform's home channel, durably (replaces the previous one). */
  setHome(home: HomeChannel): Promise<void>;
  /** Usage analytics of the whole gateway since `sinceMs` (`/insights`): `store.transcript.summary`. */
  insights(sinceMs: number): Promise<TranscriptSummary>;
  /** Tool progress of the platforms (`/verbose`); absent where the runtime shows none. */
  readonly toolProgress?: ToolProgressControl;
  /** The MCP servers (`/reload-mcp`); absent where the runtime has none. */
  readonly mcp?: McpControl;
  /** File-system checkpoints of the agent's working directory (`/rollback`); absent where the runtime keeps none. */
  readonly checkpoints?: CheckpointStore;
  /** The platforms' breakers (`/platform list|pause|resume`). */
  readonly platforms: PlatformControl;
  /**
   * Starts an independent agent on `prompt` whose result comes back to this chat
   * (`/background`); the runtime queues the "started" answer with the task id.
   */
  startBackground(prompt: string): Promise<BackgroundTaskStarted>;
  /** Spoken replies (`/voice status`): whether speech is configured, ffmpeg found, this platform takes audio. */
  readonly voice?: { status(platform: string): Promise<VoiceStatus> };
  /** The voice channels of this chat's platform (`/voice join|leave`), where it has them. */
  readonly voiceChannels?: VoiceChannelControl | undefined;
  /**
   * Summarises this chat's current conversation with the session's model into a
   * `summary` transcript entry that runs start from (`/compress`). Absent where the
   * runtime cannot compress.
   */
  compress?(): Promise<CompressionOutcome>;
}
