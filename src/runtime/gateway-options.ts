/**
 * The options of `createGateway()`: what an embedder passes, the runtime
 * settings with their defaults, and `resolveGatewayOptions()`, which refuses bad
 * options at once (see `validate-options.ts`) and fills in the defaults.
 */
import type { InspectionEvent } from 'xstate';
import type { AccessControl } from '../access/access-control.ts';
import type { Adapter, ChatType } from '../adapters/contract.ts';
import type { Agent } from '../agent/agent.ts';
import type { McpTools } from '../agent/mcp/mcp-manager.ts';
import type { Transcriber } from '../agent/transcribe.ts';
import type { CheckpointStore } from '../checkpoints/checkpoint-store.ts';
import type { CommandRegistry } from '../commands/index.ts';
import { DEFAULT_CONFIG, type GatewayConfig } from '../config/schema.ts';
import { type RuntimeLogger, silentLogger } from '../log/runtime-logger.ts';
import type { BreakerSettings } from '../machines/breaker.ts';
import { type BusyMode, DEFAULT_QUEUE_CAP } from '../machines/session.ts';
import type { Store } from '../persistence/store.ts';
import type { SkillFolder } from '../skills/discover-skills.ts';
import type { SpeechOptions } from '../voice/voice-replies.ts';
import type { ResetPolicy } from './reset-policy.ts';
import { DEFAULT_SESSION_KEY_POLICY, type SessionKeyPolicy } from './session-key.ts';
import { validateGatewayOptions } from './validate-options.ts';

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
  /** Receives the XState inspection events of the gateway actor and every session, breaker and background-task actor. */
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
   * Folders of installed skills (`<folder>/<skill>/SKILL.md`, see `skillFolders`), run as
   * `/<skill>` through the built-in registry; `hermes gateway` sets `$HERMES_HOME/skills`
   * and `skills.dirs`. Default: no skills.
   */
  skillFolders?: SkillFolder[];
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
  /**
   * Speech for spoken replies (`/voice on|tts`) and the `text_to_speech` tool
   * (`{ synthesize: createSynthesizer(...) }`, optional `ffmpegPath`); absent: no speech.
   */
  speech?: SpeechOptions;
  /**
   * MCP servers whose tools every chat run gets (`new McpManager()`): connected in the
   * background when the gateway starts, closed when it stops, reloaded with `/reload-mcp`.
   */
  mcp?: McpTools;
  /** File-system checkpoints of the agent's working directory, for `/rollback` (absent: `/rollback` says so). */
  checkpoints?: CheckpointStore;
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  options: GatewayOptions;
  settings: RuntimeSettings;
  config: GatewayConfig;
  log: RuntimeLogger;
  now: () => number;
  /** The adapters by name. */
  adapters: ReadonlyMap<string, Adapter>;
}

/**
 * Refuses bad options (a coded `GATEWAY_ERR_OPTION` naming the option) and fills in the defaults.
 *
 * @example
 * const { settings, log, now, adapters } = resolveGatewayOptions({ store, agent });
 */
export function resolveGatewayOptions(options: GatewayOptions): ResolvedOptions {
  validateGatewayOptions(options);
  return {
    options,
    settings: { ...DEFAULT_RUNTIME_SETTINGS, ...options.settings },
    config: options.config ?? DEFAULT_CONFIG,
    log: options.logger ?? silentLogger,
    now: options.now ?? Date.now,
    adapters: new Map((options.adapters ?? []).map((a) => [a.name, a] as const)),
  };
}
