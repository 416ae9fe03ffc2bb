/**
 * The OpenAI-compatible API server adapter: any OpenAI client (the official
 * SDKs, Open WebUI) talks to the gateway over `POST /v1/chat/completions`.
 * Each request becomes an `InboundMessage`; the HTTP request then waits in the
 * pending-request map until the gateway delivers the answer through `send`
 * (and streams pieces through `streamDelta`), matched by `inReplyTo`.
 */
import { AdapterError, GatewayError } from '../../errors.ts';
import type { HttpIngress } from '../../http/ingress.ts';
import type { RateLimit } from '../../http/webhook-route.ts';
import {
  type Adapter,
  type AdapterCapabilities,
  type AdapterContext,
  NO_CAPABILITIES,
  type OutboundMessage,
  type SendResult,
  type StreamTarget,
} from '../contract.ts';
import { assertApiKey, createBearerChecker } from './auth.ts';
import { toCompletionUsage } from './completion-objects.ts';
import { createHttpServer } from './http-server.ts';
import { API_PLATFORM } from './inbound-message.ts';
import { agentFailed, shuttingDown } from './openai-errors.ts';
import { PendingReplies } from './pending-replies.ts';
import { registerRoutes } from './routes.ts';

/** Options of `createApiServerAdapter`. */
export interface ApiServerOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 picks a free port. Default 8642. */
  port?: number;
  /** The bearer key clients must send (`API_SERVER_KEY`); at least 16 characters. */
  key: string;
  /** Largest accepted request body in bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** The model name listed by `/v1/models` and named in every completion. Default `hermes-agent`. */
  modelName?: string;
  /** Milliseconds a request waits for its answer before a 504. Default 10 minutes. */
  replyTimeoutMs?: number;
  /** Requests per window one client address may send to one route (429 beyond); `false` (default) for none. */
  rateLimit?: RateLimit | false;
  /** Largest image of an `image_url` part (data URL or downloaded), in bytes. Default 20 MB. */
  maxImageBytes?: number;
  /** Milliseconds the download of an http(s) `image_url` may take. Default 15 s. */
  imageFetchTimeoutMs?: number;
}

/** The API server adapter: an `Adapter` that also tells where it listens. */
export interface ApiServerAdapter extends Adapter {
  /** Where the server listens (the real port when started with port 0). Valid after `start`. */
  address(): { host: string; port: number };
}

/** Default values of `ApiServerOptions`. */
export const API_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8642,
  bodyLimitBytes: 1024 * 1024,
  modelName: 'hermes-agent',
  replyTimeoutMs: 10 * 60 * 1000,
  rateLimit: false,
  maxImageBytes: 20 * 1024 * 1024,
  imageFetchTimeoutMs: 15_000,
} as const;

/**
 * The API server's capabilities: native streaming (SSE), whole answers in one
 * message, and images in (`image_url` parts); no files out.
 */
export const API_SERVER_CAPABILITIES: AdapterCapabilities = {
  ...NO_CAPABILITIES,
  images: true,
  streaming: true,
  headless: true,
  maxMessageLength: Number.MAX_SAFE_INTEGER,
};

function optionError(name: string, message: string): GatewayError {
  return new GatewayError('GATEWAY_ERR_OPTION', `api_server.${name}: ${message}`, { option: name });
}

function resolveOptions(opts: ApiServerOptions): Required<ApiServerOptions> {
  assertApiKey(opts.key);
  const resolved: Required<ApiServerOptions> = {
    ...API_SERVER_DEFAULTS,
    ...withoutUndefined(opts),
    key: opts.key,
  };
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw optionError('port', `expected an integer from 0 to 65535, got ${resolved.port}`);
  }
  if (!Number.isInteger(resolved.bodyLimitBytes) || resolved.bodyLimitBytes <= 0) {
    throw optionError('bodyLimitBytes', `expected a positive integer, got ${resolved.bodyLimitBytes}`);
  }
  if (!Number.isFinite(resolved.replyTimeoutMs) || resolved.replyTimeoutMs <= 0) {
    throw optionError(
      'replyTimeoutMs',
      `expected a positive number of milliseconds, got ${resolved.replyTimeoutMs}`,
    );
  }
  if (!Number.isInteger(resolved.maxImageBytes) || resolved.maxImageBytes <= 0) {
    throw optionError('maxImageBytes', `expected a positive integer, got ${resolved.maxImageBytes}`);
  }
  if (!Number.isFinite(resolved.imageFetchTimeoutMs) || resolved.imageFetchTimeoutMs <= 0) {
    throw optionError(
      'imageFetchTimeoutMs',
      `expected a positive number of milliseconds, got ${resolved.imageFetchTimeoutMs}`,
    );
  }
  if (resolved.modelName.trim() === '') throw optionError('modelName', 'expected a non-empty name');
  if (resolved.host.trim() === '') throw optionError('host', 'expected a host name or address');
  return resolved;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One running server: everything that lives from `start` to `stop`. */
interface Running {
  http: HttpIngress;
  ctx: AdapterContext;
  pending: PendingReplies;
  closing: boolean;
  stopped: Promise<void> | undefined;
  /** Stops this server when the gateway aborts the context it was started with. */
  onAbort: () => void;
}

/**
 * Creates the API server adapter. Throws `GATEWAY_ERR_API_KEY` when the key
 * is missing or shorter than 16 characters.
 *
 * @example
 * const api = createApiServerAdapter({ key: process.env.API_SERVER_KEY!, port: 0 });
 * await api.start(ctx);
 * const { port } = api.address();
 * // new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: process.env.API_SERVER_KEY })
 */
export function createApiServerAdapter(opts: ApiServerOptions): ApiServerAdapter {
  const options = resolveOptions(opts);
  const checkBearer = createBearerChecker(options.key);
  let running: Running | undefined;

  /** Stops one running server: answers its pending requests with 503, then closes it. */
  async function stopRunning(current: Running): Promise<void> {
    if (current.stopped === undefined) {
      current.closing = true;
      current.ctx.signal.removeEventListener('abort', current.onAbort);
      const answered = current.pending.settleAll({ kind: 'problem', problem: shuttingDown() });
      if (answered > 0) {
        current.ctx.log.info({ answered }, 'api: answered pending requests with 503 on shutdown');
      }
      current.stopped = current.http.close().finally(() => {
        if (running === current) running = undefined;
      });
    }
    await current.stopped;
  }

  async function stop(): Promise<void> {
    if (running !== undefined) await stopRunning(running);
  }

  return {
    name: API_PLATFORM,
    capabilities: API_SERVER_CAPABILITIES,

    async start(ctx) {
      assertApiKey(options.key);
      if (running !== undefined) {
        throw new GatewayError('GATEWAY_ERR_STATE', 'The API server is already running; stop it first');
      }
      const pending = new PendingReplies({
        timeoutMs: options.replyTimeoutMs,
        onTimeout: (id) =>
          ctx.log.warn({ completionId: id, timeoutMs: options.replyTimeoutMs }, 'api: 504 no answer in time'),
        onWaiterError: (id, error) =>
          ctx.log.warn({ completionId: id, err: error }, 'api: could not write an answer'),
      });
      const current: Running = {
        http: createHttpServer({
          host: options.host,
          port: options.port,
          bodyLimitBytes: options.bodyLimitBytes,
          rateLimit: options.rateLimit,
          checkBearer,
          log: ctx.log,
          isClosing: () => current.closing,
        }),
        ctx,
        pending,
        closing: false,
        stopped: undefined,
        onAbort: () => {
          stopRunning(current).catch((error: unknown) =>
            ctx.log.error({ err: error }, 'api: the server did not close cleanly'),
          );
        },
      };
      current.http.mount(API_PLATFORM, async (scope) =>
        registerRoutes(scope, {
          ctx,
          pending,
          modelName: options.modelName,
          isClosing: () => current.closing,
          images: { maxBytes: options.maxImageBytes, timeoutMs: options.imageFetchTimeoutMs },
        }),
      );
      running = current;
      try {
        await current.http.listen();
      } catch (error) {
        running = undefined;
        const details = error instanceof GatewayError ? error.details : {};
        throw new AdapterError(
          API_PLATFORM,
          `cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`,
          {
            retryable: details.retryable === true,
            cause: error,
            reason: typeof details.reason === 'string' ? details.reason : 'listen_failed',
          },
        );
      }
      if (ctx.signal.aborted) {
        await stopRunning(current);
        throw new GatewayError('GATEWAY_ERR_STATE', 'The API server was stopped while it was starting');
      }
      ctx.signal.addEventListener('abort', current.onAbort, { once: true });
      const port = current.http.address()?.port;
      ctx.log.info(
        { host: options.host, port, model: options.modelName },
        'api: OpenAI-compatible server listening',
      );
    },

    stop,

    async send(message: OutboundMessage): Promise<SendResult> {
      const current = running;
      if (current === undefined) return {};
      let answered: string | undefined;
      for (const id of message.inReplyTo) {
        const outcome = message.failed
          ? { kind: 'problem' as const, problem: agentFailed(message.text) }
          : {
              kind: 'answer' as const,
              text: message.text,
              ...(message.usage ? { usage: toCompletionUsage(message.usage) } : {}),
            };
        if (current.pending.settle(id, outcome)) answered = id;
      }
      if (answered === undefined) {
        current.ctx.log.info(
          { sessionKey: message.sessionKey, inReplyTo: message.inReplyTo },
          'api: no request is waiting for this answer; it stays in the transcript',
        );
        return {};
      }
      if (message.failed) {
        current.ctx.log.warn(
          { sessionKey: message.sessionKey, completionId: answered },
          'api: 502 the agent run failed',
        );
      }
      return { platformMessageId: answered };
    },

    streamDelta(target: StreamTarget, text: string): void {
      const current = running;
      if (current === undefined) return;
      for (const id of target.inReplyTo) current.pending.delta(id, text);
    },

    address() {
      const address = running?.http.address();
      if (address === undefined) {
        throw new GatewayError('GATEWAY_ERR_STATE', 'The API server is not listening; call start() first');
      }
      return address;
    },
  };
}
