/**
 * The schema of `config.yaml`. Keys stay snake_case as users write them in the file.
 * Every section is a strict object: an unknown key is an error, so a typo never
 * silently falls back to a default. Missing keys take the documented defaults.
 */
import { z } from 'zod';
import { CheckpointsSchema } from '../checkpoints/checkpoints-config.ts';
import { OperatorSchema, operatorLoginIssue } from '../operator/operator-config.ts';
import { McpServersSchema } from './mcp-servers-schema.ts';
import { ToolsetsSchema } from './toolsets-schema.ts';

/** Agent backends the gateway can run. */
export const AGENT_BACKENDS = ['echo', 'openai', 'exec'] as const;

/** Log levels accepted by `logging.level`, from most to least verbose. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** The shortest API server key the gateway accepts. */
export const API_KEY_MIN_LENGTH = 16;

const positiveSeconds = (fallback: number) => z.number().positive().default(fallback);

const TerminalSchema = z.strictObject({
  enabled: z.boolean().default(true),
  timeout_seconds: positiveSeconds(120),
});

const AgentSchema = z.strictObject({
  backend: z.enum(AGENT_BACKENDS).default('echo'),
  model: z.string().min(1).default('gpt-4o-mini'),
  base_url: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  api_key: z.string().min(1).optional(),
  command: z.string().min(1).optional(),
  system_prompt: z.string().optional(),
  max_tool_rounds: z.number().int().min(0).default(8),
  /** Transcribes voice notes through `<base_url>/audio/transcriptions` with this model (e.g. `whisper-1`); unset: no transcription. */
  transcription_model: z.string().min(1).optional(),
  /** Spoken replies and the `text_to_speech` tool through `<base_url>/audio/speech` with this model (e.g. `tts-1`); unset: no speech. */
  speech_model: z.string().min(1).optional(),
  /** The voice spoken replies use. */
  speech_voice: z.string().min(1).default('alloy'),
  /** The audio format asked of the speech endpoint (converted with ffmpeg where a platform needs another). */
  speech_format: z.enum(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']).default('mp3'),
  timeout_seconds: positiveSeconds(600),
  terminal: TerminalSchema.prefault({}),
  /** How long the agent's question (the `clarify` tool) waits for the user's answer. */
  clarify_timeout_seconds: positiveSeconds(600),
  /** The model's context window in tokens (estimated as characters / 4), for automatic compression. */
  context_window_tokens: z.number().int().positive().default(128_000),
  /** Compress before a run whose messages would fill more than this share of the context window. */
  compress_threshold: z.number().gt(0).max(1).default(0.8),
  /** Compress automatically before a run (the openai backend only); `/compress` works either way. */
  auto_compress: z.boolean().default(true),
});

const ApiServerSchema = z.strictObject({
  enabled: z.boolean().default(false),
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 asks the operating system for a free port. */
  port: z.number().int().min(0).max(65535).default(8642),
  key: z.string().optional(),
  body_limit_bytes: z.number().int().positive().default(1_048_576),
  model_name: z.string().min(1).default('hermes-agent'),
  /** Requests a minute one client address may send to one route; 0 (default): no limit. */
  rate_limit_per_minute: z.number().int().min(0).default(0),
});

/**
 * `gateway.http`: the one HTTP ingress every webhook platform mounts its routes on
 * (Telegram's webhook, Slack's Events API). It listens only when a webhook route is mounted.
 */
const HttpIngressSchema = z.strictObject({
  /** Interface to listen on; loopback by default (put an HTTPS reverse proxy in front). */
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 asks the operating system for a free port. */
  port: z.number().int().min(0).max(65535).default(8443),
  /** Largest accepted request body. */
  body_limit_bytes: z.number().int().positive().default(1_048_576),
  /** Requests a minute one client address may send to one route; 0 turns the limit off. */
  rate_limit_per_minute: z.number().int().min(0).default(1200),
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trust_proxy: z.boolean().default(false),
});

const SessionsSchema = z.strictObject({
  passivate_after_seconds: positiveSeconds(600),
  auto_resume_window_hours: z.number().min(0).default(24),
});

/** What `unauthorized_dm_behavior` accepts: answer a stranger's DM with a pairing code, or stay silent. */
export const UNAUTHORIZED_DM_BEHAVIORS = ['pair', 'ignore'] as const;

/** One entry of an id list: text, or a whole number YAML read without quotes (kept exactly). */
function isListEntry(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

/** Why a list value was refused, in the words of the config error. */
function listProblem(input: unknown, noun: string): string {
  const values = Array.isArray(input) ? input : [input];
  const inexact = values.find(
    (v) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v),
  );
  if (inexact !== undefined) {
    return `the number ${String(inexact)} is too long to be read exactly (an id like this must be quoted)`;
  }
  return `expected a list of ${noun} or one comma-separated text`;
}

/**
 * A list of ids or names: a YAML list (`["111", "222"]`) or one comma-separated
 * text (`"111,222"`). Whole numbers written without quotes are accepted and kept as
 * text; numbers too long to be exact (18-digit Discord ids) must be quoted.
 */
function idListSchema(noun: string, example: string) {
  return z
    .custom<string | number | (string | number)[]>(
      (value) => isListEntry(value) || (Array.isArray(value) && value.every(isListEntry)),
      {
        error: (issue) => listProblem(issue.input, noun),
        params: {
          fix: `write it as a list such as ${example} or as one text with commas; put long numeric ids in quotes`,
        },
      },
    )
    .transform((value): string | string[] => (Array.isArray(value) ? value.map(String) : String(value)));
}

/** `gateway.platforms.<p>.extra`: who may talk to the bot and who is admin there; other keys belong to the adapter. */
const PlatformExtraSchema = z.looseObject({
  /** Users allowed on this platform (besides the environment allowlists and paired users). */
  allow_from: idListSchema('user ids', '["111", "alice@example.com"]').optional(),
  /** Admins in direct messages (every command); without it, DM tiers are off. */
  allow_admin_from: idListSchema('user ids', '["111"]').optional(),
  /** Commands non-admins may run in direct messages (besides /help and /whoami). */
  user_allowed_commands: idListSchema('command names', '[status, model]').optional(),
  /** Admins in groups, channels and threads; without it, group tiers are off. */
  group_allow_admin_from: idListSchema('user ids', '["111"]').optional(),
  /** Commands non-admins may run in groups, channels and threads. */
  group_user_allowed_commands: idListSchema('command names', '[status]').optional(),
});

/** `gateway.platforms.<p>`: the settings of one platform. */
export const PlatformSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** What a stranger's direct message gets: a pairing code (`pair`) or silence (`ignore`). */
  unauthorized_dm_behavior: z.enum(UNAUTHORIZED_DM_BEHAVIORS).optional(),
  /** Whether the home channel is told when a restart interrupts runs and when the gateway is back (default true). */
  gateway_restart_notification: z.boolean().optional(),
  extra: PlatformExtraSchema.optional(),
});

/** The validated settings of one platform. */
export type PlatformSettings = z.output<typeof PlatformSettingsSchema>;

const GatewaySectionSchema = z.strictObject({
  restart_budget: z
    .strictObject({
      max_restarts: z.number().int().min(0).default(5),
      window_seconds: positiveSeconds(60),
    })
    .prefault({}),
  drain_timeout_seconds: z.number().min(0).default(10),
  /** Each platform's circuit breaker: this many retryable failures within the window trip it. */
  circuit_breaker: z
    .strictObject({
      failure_threshold: z.number().int().min(1).default(5),
      window_seconds: positiveSeconds(60),
      /** Longest wait between reconnects of a dropped platform. */
      max_backoff_seconds: positiveSeconds(60),
    })
    .prefault({}),
  /** The HTTP ingress of the webhook platforms. */
  http: HttpIngressSchema.prefault({}),
  /** Files of messages, kept in `$HERMES_HOME/media`. */
  media: z
    .strictObject({
      /** Largest file stored at ingest or sent by the agent; a larger one is described to the agent, not stored. */
      max_bytes: z
        .number()
        .int()
        .min(1)
        .default(20 * 1024 * 1024),
      /** Stored files older than this many days are removed, at start and every hour (storing a file again renews it). */
      retention_days: z.number().positive().default(7),
      /** Longest one download may take at ingest; a slower one becomes a note to the agent. */
      download_timeout_seconds: positiveSeconds(60),
    })
    .prefault({}),
  /** Platform name → its settings (unknown platform names are allowed, for adapters added by embedders). */
  platforms: z.record(z.string(), PlatformSettingsSchema).prefault({}),
});

/** Reset policy modes. */
export const RESET_MODES = ['daily', 'idle', 'both', 'none'] as const;

/** A reset policy override (every key optional). */
export const ResetOverrideSchema = z.strictObject({
  mode: z.enum(RESET_MODES).optional(),
  at_hour: z.number().int().min(0).max(23).optional(),
  idle_minutes: z.number().int().positive().optional(),
});

const SessionResetSchema = z.strictObject({
  /** daily | idle | both (default: whichever comes first) | none. */
  mode: z.enum(RESET_MODES).default('both'),
  /** Local hour of the daily reset. */
  at_hour: z.number().int().min(0).max(23).default(4),
  /** Minutes without messages before the idle reset. */
  idle_minutes: z.number().int().positive().default(1440),
  /** Overrides per chat type (dm, group, channel, thread). */
  by_chat_type: z
    .strictObject({
      dm: ResetOverrideSchema.optional(),
      group: ResetOverrideSchema.optional(),
      channel: ResetOverrideSchema.optional(),
      thread: ResetOverrideSchema.optional(),
    })
    .prefault({}),
});

/** Tool progress modes (`display.tool_progress`). */
export const TOOL_PROGRESS_MODES = ['off', 'new', 'all', 'verbose'] as const;

/** Background process notification modes (`display.background_process_notifications`). */
export const BACKGROUND_NOTIFICATION_MODES = ['all', 'result', 'error', 'off'] as const;

/** The busy-input modes: what a message does while the agent works. */
export const BUSY_INPUT_MODES = ['interrupt', 'queue', 'steer'] as const;

const DisplaySchema = z.looseObject({
  /** interrupt (default) | queue | steer. */
  busy_input_mode: z.enum(BUSY_INPUT_MODES).default('interrupt'),
  /** ⚡ / ⏳ / ⏩ acknowledgements (at most one per 30 s per session). */
  busy_ack_enabled: z.boolean().default(true),
  /** Most follow-ups a session queues; an overflow is told to the user. */
  busy_queue_cap: z.number().int().min(1).default(32),
  /**
   * Tool progress lines ("💻 `ls -la`..."): off | new (a line when the tool changes) | all | verbose
   * (with arguments and results). Unset: the platform's default (see `display.platforms.<p>`).
   */
  tool_progress: z.enum(TOOL_PROGRESS_MODES).optional(),
  /** Enables `/verbose`, which cycles the tool-progress mode of the platform it is sent on. */
  tool_progress_command: z.boolean().default(false),
  /** Background processes (`terminal(background=true)`): all | result | error | off. */
  background_process_notifications: z.enum(BACKGROUND_NOTIFICATION_MODES).default('all'),
  /** Per-platform display settings. */
  platforms: z
    .record(
      z.string(),
      z.strictObject({
        /** Tool progress mode on this platform (wins over `display.tool_progress`). */
        tool_progress: z.enum(TOOL_PROGRESS_MODES).optional(),
        /** Delete the progress bubbles after the final reply (where the platform can delete); kept when the run failed. */
        cleanup_progress: z.boolean().optional(),
      }),
    )
    .prefault({}),
});

const OnboardingSchema = z.looseObject({
  seen: z
    .looseObject({
      /** The busy-input tip was shown with the first busy acknowledgement. */
      busy_input_prompt: z.boolean().default(false),
    })
    .prefault({}),
});

/** `/update` and `hermes update`: where to look for new versions. */
const UpdateSchema = z.strictObject({
  /** npm registry base URL (default: `npm_config_registry`, else https://registry.npmjs.org). */
  registry: z.url({ protocol: /^https?$/ }).optional(),
});

const LoggingSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info'),
  /** `gateway.log` is rotated when it would grow past this many megabytes (MiB). */
  max_size_mb: z.number().positive().max(10_240).default(10),
  /** How many rotated files (`gateway.log.1` … `gateway.log.N`) are kept. */
  keep: z.number().int().min(0).max(1000).default(5),
});

/** The name `/personality none` uses to clear the personality; no personality may take it. */
export const NO_PERSONALITY = 'none';

/** One model provider: an OpenAI-compatible endpoint and the models `/model` may switch to. */
const ProviderSchema = z
  .strictObject({
    base_url: z.url({ protocol: /^https?$/ }),
    api_key: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).refine((models) => models.length > 0, {
      message: 'must list at least one model',
      params: { fix: 'list the models of this provider, e.g. models: [gpt-4o, gpt-4o-mini]' },
    }),
    default_model: z.string().min(1).optional(),
  })
  .superRefine((provider, ctx) => {
    const { default_model: wanted, models } = provider;
    if (wanted !== undefined && models.length > 0 && !models.includes(wanted)) {
      ctx.addIssue({
        code: 'custom',
        path: ['default_model'],
        message: `"${wanted}" is not one of this provider's models`,
        params: { fix: `use one of: ${models.join(', ')}, or add it to models` },
      });
    }
  });

/** Provider name → provider; names are used as `/model <provider>:<model>`, so they hold no colon or space. */
const ProvidersSchema = z.record(z.string(), ProviderSchema).superRefine((providers, ctx) => {
  for (const name of Object.keys(providers)) {
    if (/^[^\s:]+$/.test(name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: 'is not a usable provider name: it may not contain a colon or a space',
      params: { fix: `rename it, e.g. to ${name.replace(/[\s:]+/g, '_') || 'my_provider'}` },
    });
  }
});

/** Personality name → its system prompt; `none` is reserved for clearing it. */
const PersonalitiesSchema = z.record(z.string(), z.string().min(1)).superRefine((personalities, ctx) => {
  for (const name of Object.keys(personalities)) {
    const reserved = name.toLowerCase() === NO_PERSONALITY;
    if (!reserved && /^\S+$/.test(name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: reserved
        ? `is reserved: "/personality ${NO_PERSONALITY}" clears the personality`
        : 'is not a usable personality name: it may not contain a space',
      params: {
        fix: reserved
          ? 'rename it, e.g. to plain'
          : `rename it to one word, e.g. ${name.trim().replace(/\s+/g, '_') || 'concise'}`,
      },
    });
  }
});

/** Where installed skills live besides `$HERMES_HOME/skills` (each folder holds `<skill>/SKILL.md`). */
const SkillsSchema = z.strictObject({
  /** Folders of skills, absolute or relative to `HERMES_HOME`. */
  dirs: z.array(z.string().trim().min(1, 'must not be empty: give a folder path')).default([]),
});

/** One configured model provider. */
export type ProviderConfig = z.output<typeof ProviderSchema>;

/** Reads `value[key]` when `value` is a plain object (the input of a refinement may be partly invalid). */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The whole `config.yaml` schema, including the rules that span several keys
 * (the exec backend needs a command; an enabled API server needs a long-enough key).
 * Those rules carry their fix in `params.fix`.
 */
export const GatewayConfigSchema = z
  .strictObject({
    agent: AgentSchema.prefault({}),
    api_server: ApiServerSchema.prefault({}),
    sessions: SessionsSchema.prefault({}),
    gateway: GatewaySectionSchema.prefault({}),
    logging: LoggingSchema.prefault({}),
    /** What the chat shows and how the gateway behaves while the agent works. */
    display: DisplaySchema.prefault({}),
    /** When a chat's conversation starts fresh by itself. */
    session_reset: SessionResetSchema.prefault({}),
    /** One-time hints already shown on this install (written back by the gateway). */
    onboarding: OnboardingSchema.prefault({}),
    /** Model providers `/model provider:model` switches between (OpenAI-compatible endpoints). */
    providers: ProvidersSchema.default({}),
    /** Personality name → system prompt, for `/personality`. */
    personalities: PersonalitiesSchema.default({}),
    /** Per platform, the tools its sessions get (`hermes-<platform>` toolsets). */
    toolsets: ToolsetsSchema.default({}),
    /** MCP servers whose tools the agent may call (`<server>__<tool>`). */
    mcp_servers: McpServersSchema.default({}),
    /** Installed skills: extra folders besides `$HERMES_HOME/skills`. */
    skills: SkillsSchema.prefault({}),
    /** The live operator page (its own loopback listener, behind a login). */
    operator: OperatorSchema.prefault({}),
    /** File-system checkpoints of the agent's working directory (`/rollback`). */
    checkpoints: CheckpointsSchema.prefault({}),
    /** Where `/update` looks for new versions. */
    update: UpdateSchema.optional(),
  })
  .superRefine(
    (config, ctx) => {
      const agent = field(config, 'agent');
      const command = field(agent, 'command');
      if (field(agent, 'backend') === 'exec' && (typeof command !== 'string' || command.trim() === '')) {
        ctx.addIssue({
          code: 'custom',
          path: ['agent', 'command'],
          message: 'is required when agent.backend is exec',
          params: {
            fix:
              'set agent.command in config.yaml (or HERMES_AGENT_COMMAND in the environment) to the command ' +
              'line that runs your agent, or choose another agent.backend (echo, openai)',
          },
        });
      }
      const api = field(config, 'api_server');
      const operatorIssue = operatorLoginIssue(field(config, 'operator') as never, field(api, 'key'));
      if (operatorIssue) {
        ctx.addIssue({
          code: 'custom',
          path: operatorIssue.path,
          message: operatorIssue.message,
          params: { fix: operatorIssue.fix },
        });
      }
      if (field(api, 'enabled') === true) {
        const key = field(api, 'key');
        const problem =
          typeof key !== 'string' || key === ''
            ? 'is missing: the API server is enabled and needs a key'
            : key.length < API_KEY_MIN_LENGTH
              ? `is ${key.length} characters long; the API server needs at least ${API_KEY_MIN_LENGTH}`
              : undefined;
        if (problem !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['api_server', 'key'],
            message: problem,
            params: {
              fix:
                `set api_server.key in config.yaml or API_SERVER_KEY in the environment to a random string of ` +
                `at least ${API_KEY_MIN_LENGTH} characters (for example the output of \`openssl rand -hex 24\`), ` +
                'or turn the API server off with api_server.enabled: false',
            },
          });
        }
      }
    },
    { when: () => true },
  );

/** The validated configuration, with every default filled in. */
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

/** What a user may write: every key optional. */
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The configuration used when `config.yaml` and the environment set nothing (deeply frozen). */
export const DEFAULT_CONFIG: GatewayConfig = deepFreeze(GatewayConfigSchema.parse({}));
