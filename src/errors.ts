/**
 * Coded errors of the gateway. Every error the gateway raises on purpose is a
 * `GatewayError` with a stable `code` (documented in the README) so callers can
 * branch on it and operators can search logs for it.
 */

/** Every error code the gateway raises, with its default HTTP status where one applies. */
export const ERROR_CODES = {
  /** The configuration file or environment holds an invalid value. */
  GATEWAY_ERR_CONFIG: 500,
  /** `HERMES_HOME` (or a folder inside it) cannot be created or written. */
  GATEWAY_ERR_HOME_UNWRITABLE: 500,
  /** An option passed to `createGateway()` is missing or invalid. */
  GATEWAY_ERR_OPTION: 500,
  /** The gateway was asked to do something in a state that does not allow it. */
  GATEWAY_ERR_STATE: 500,
  /** The API server was enabled without a key of at least 16 characters. */
  GATEWAY_ERR_API_KEY: 500,
  /** A request lacked a valid bearer key. */
  GATEWAY_ERR_UNAUTHORIZED: 401,
  /** A request body was malformed or had the wrong shape. */
  GATEWAY_ERR_BAD_REQUEST: 400,
  /** A request body was over the size limit. */
  GATEWAY_ERR_BODY_TOO_LARGE: 413,
  /** The agent backend failed. */
  GATEWAY_ERR_AGENT: 502,
  /** An agent run was aborted (interrupt, stop or shutdown). */
  GATEWAY_ERR_ABORTED: 499,
  /** A platform adapter failed; `retryable` tells whether trying again may help. */
  GATEWAY_ERR_ADAPTER: 502,
  /** A persisted snapshot cannot be restored (unknown machine version, corrupt JSON). */
  GATEWAY_ERR_SNAPSHOT: 500,
  /** A migration or database operation failed. */
  GATEWAY_ERR_STORE: 500,
  /** A pairing approval was refused: wrong or expired code, or approvals locked after failures. */
  GATEWAY_ERR_PAIRING: 403,
  /** A lease call got an unusable argument (empty name or owner, a ttl or token that is not a positive whole number). */
  GATEWAY_ERR_LEASE: 500,
  /** A webhook request was refused: its signature or secret does not match. */
  GATEWAY_ERR_FORBIDDEN: 403,
  /** No route of the HTTP ingress answers this method and path. */
  GATEWAY_ERR_NOT_FOUND: 404,
  /** A client sent more requests to one route than its rate limit allows. */
  GATEWAY_ERR_RATE_LIMITED: 429,
  /**
   * An inbound message was not committed to the inbox (the store failed, or the
   * platform's adapter is not running): the platform should deliver it again.
   */
  GATEWAY_ERR_NOT_COMMITTED: 503,
  /** Two adapters asked the HTTP ingress for the same method and path. */
  GATEWAY_ERR_HTTP_DUPLICATE_ROUTE: 500,
  /** A route was mounted on the HTTP ingress after it started listening. */
  GATEWAY_ERR_HTTP_LATE_ROUTE: 500,
  /** The HTTP ingress cannot listen on its host and port (in use, not permitted, no such address). */
  GATEWAY_ERR_HTTP_LISTEN: 500,
  /** A file could not be stored or sent: over the size limit, outside the allowed folders, unreadable. */
  GATEWAY_ERR_MEDIA: 400,
  /** Speech could not be made or converted: the speech endpoint failed, or ffmpeg did. */
  GATEWAY_ERR_VOICE: 502,
  /** An MCP server could not be started or reached, did not list its tools in time, or a call of its tool failed. */
  GATEWAY_ERR_MCP: 502,
  /**
   * The gateway cannot be installed or controlled as an OS service: unsupported
   * system, systemctl or launchctl missing or failing, not installed, no root for `--system`.
   */
  GATEWAY_ERR_SERVICE: 500,
  /** A file-system checkpoint could not be taken, listed or restored (git failed, unknown checkpoint). */
  GATEWAY_ERR_CHECKPOINT: 500,
} as const;

/** One of the documented error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The base class of every coded gateway error.
 *
 * @example
 * throw new GatewayError('GATEWAY_ERR_CONFIG', 'api_server.port: expected a number', { fix: 'set a port like 8642' });
 */
export class GatewayError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** HTTP status that fits this error. */
  readonly statusCode: number;
  /** Extra structured details (key paths, fixes, platform names). */
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
    this.statusCode = ERROR_CODES[code];
    this.details = details;
  }
}

/** An invalid configuration value: names the key path and the fix. */
export class ConfigError extends GatewayError {
  /** Problems found, each with the key path, what is wrong and how to fix it. */
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(
      'GATEWAY_ERR_CONFIG',
      `Invalid configuration:\n${issues.map((i) => `  - ${i.path}: ${i.message}. Fix: ${i.fix}`).join('\n')}`,
      { issues },
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** One problem in the configuration. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `api_server.port` or the environment variable name. */
  path: string;
  /** What is wrong. */
  message: string;
  /** What the user should do. */
  fix: string;
}

/**
 * A failure reported by a platform adapter. `retryable` failures (network errors,
 * rate limits, upstream 5xx, dropped websockets) may be retried; fatal ones
 * (bad token, logged out) need the operator.
 */
export class AdapterError extends GatewayError {
  readonly platform: string;
  readonly retryable: boolean;
  /** Milliseconds the platform asked us to wait (429 retry_after), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    platform: string,
    message: string,
    opts: { retryable: boolean; retryAfterMs?: number; cause?: unknown; reason?: string },
  ) {
    super(
      'GATEWAY_ERR_ADAPTER',
      `${platform}: ${message}`,
      { platform, reason: opts.reason },
      { cause: opts.cause },
    );
    this.name = 'AdapterError';
    this.platform = platform;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The agent backend failed (HTTP error from the model, the command exited non-zero, ...). */
export class AgentError extends GatewayError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('GATEWAY_ERR_AGENT', message, details, options);
    this.name = 'AgentError';
  }
}

/** An agent run was aborted on purpose. */
export class AbortedError extends GatewayError {
  /** Tool calls of the interrupted batch that had not started and were cancelled (`name#id`). */
  readonly cancelledTools: string[];

  constructor(message = 'The run was interrupted', cancelledTools: string[] = []) {
    super('GATEWAY_ERR_ABORTED', message, cancelledTools.length ? { cancelledTools } : {});
    this.cancelledTools = cancelledTools;
    this.name = 'AbortedError';
  }
}

/** An MCP server failed: it did not start, answer or list its tools in time, or one of its tools failed. */
export class McpError extends GatewayError {
  /** The server's name in `mcp_servers`. */
  readonly server: string;

  constructor(server: string, message: string, options?: ErrorOptions) {
    super('GATEWAY_ERR_MCP', message, { server }, options);
    this.name = 'McpError';
    this.server = server;
  }
}
