/**
 * The starter `config.yaml` written on the first run: the echo agent and the
 * OpenAI-compatible API server on 127.0.0.1:8642 with a freshly generated key,
 * so a new user can talk to the gateway right away.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { GatewayError } from '../errors.ts';
import { configPath } from './load-config.ts';

/** What `writeStarterConfig` wrote. */
export interface StarterConfig {
  /** Absolute path of the new config.yaml. */
  path: string;
  /** The generated API server key (48 hexadecimal characters). */
  apiKey: string;
}

/** A new random API server key: 24 random bytes as 48 hexadecimal characters. */
export function generateApiKey(): string {
  return randomBytes(24).toString('hex');
}

/** The commented text of the starter config.yaml. */
export function starterConfigText(apiKey: string): string {
  return `# Hermes gateway configuration.
# Every key is optional: a missing key takes the default shown in its comment.
# Environment variables (shown after "env") override what is written here.

agent:
  # echo (answers with what you wrote) | openai (any OpenAI-compatible API) | exec (a command-line agent)
  backend: echo                      # env HERMES_AGENT_BACKEND
  # model: gpt-4o-mini               # env HERMES_MODEL
  # base_url: https://api.openai.com/v1   # env OPENAI_BASE_URL
  # api_key: sk-...                  # env OPENAI_API_KEY
  # command: my-agent --stdio        # env HERMES_AGENT_COMMAND (needed when backend is exec)
  # system_prompt: You are a helpful assistant.
  # max_tool_rounds: 8
  # timeout_seconds: 600
  # terminal:
  #   enabled: true
  #   timeout_seconds: 120

# The OpenAI-compatible HTTP API (POST /v1/chat/completions).
api_server:
  enabled: true                      # env API_SERVER_ENABLED
  host: 127.0.0.1                    # env API_SERVER_HOST
  port: 8642                         # env API_SERVER_PORT
  # Clients send it as "Authorization: Bearer <key>". At least 16 characters.
  key: "${apiKey}"   # env API_SERVER_KEY
  # body_limit_bytes: 1048576
  # model_name: hermes-agent

# sessions:
#   passivate_after_seconds: 600
#   auto_resume_window_hours: 24

gateway:
  # restart_budget:
  #   max_restarts: 5
  #   window_seconds: 60
  # drain_timeout_seconds: 10
  # Files of messages, kept in $HERMES_HOME/media:
  # media:
  #   max_bytes: 20971520            # larger files are described to the agent, not stored
  #   retention_days: 7
  # Chat platforms to connect, by name.
  platforms: {}

logging:
  level: info                        # trace | debug | info | warn | error | fatal; env HERMES_LOG_LEVEL
  # max_size_mb: 10                  # gateway.log rotates past this size (gateway.log.1 is the newest old file)
  # keep: 5                          # rotated files kept; see them with "hermes logs"

# display: {}
`;
}

/**
 * Writes the starter config.yaml into `home` (file mode 0600, it holds a key) unless
 * one already exists; an existing file is never touched.
 *
 * @returns what was written, or undefined when a config.yaml already existed.
 */
export function writeStarterConfig(home: string): StarterConfig | undefined {
  const path = configPath(home);
  const apiKey = generateApiKey();
  try {
    writeFileSync(path, starterConfigText(apiKey), { encoding: 'utf8', mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    const reason = (error as Error).message;
    const fix = 'point HERMES_HOME at a folder this user can write, or fix its permissions';
    throw new GatewayError(
      'GATEWAY_ERR_HOME_UNWRITABLE',
      `Cannot write the starter configuration ${path} (${reason}). Fix: ${fix}`,
      { path, reason, fix },
      { cause: error },
    );
  }
  // The creation mode is reduced by the umask; make sure it is exactly owner read/write.
  chmodSync(path, 0o600);
  return { path, apiKey };
}
