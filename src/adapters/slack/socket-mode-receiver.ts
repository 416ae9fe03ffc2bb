/**
 * The Socket Mode receiver: bolt's `App` gets its events from here. Unlike
 * bolt's own SocketModeReceiver, which acknowledges an Events API envelope
 * before any listener runs, this one acknowledges only after the listeners
 * finished, so an envelope is acknowledged after `ctx.ingest()` resolved. When
 * a listener failed, the envelope is left unacknowledged and Slack delivers it
 * again.
 *
 * It also owns reconnection: a dropped socket is reported (retryable) and
 * reopened with a growing delay; Slack's own `disconnect` notices (routine
 * connection refreshes) reconnect at once without a report; a token Slack
 * refuses ends the link with a fatal error.
 */
import type { App, Logger, Receiver, ReceiverEvent } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { AdapterError } from '../../errors.ts';
import { failureError } from '../kit/index.ts';
import { SLACK_PLATFORM, toAdapterError } from './slack-errors.ts';

const MAX_RECONNECT_DELAY_MS = 30_000;

/** What the receiver tells its adapter about the link. */
export interface SocketLinkHooks {
  /** The socket dropped or a reconnect failed; the receiver keeps trying. */
  onDrop(error: AdapterError): void;
  /** The link is back after a drop. */
  onRestored(): void;
  /** Slack refused the app token: the receiver gave up. */
  onFatal(error: AdapterError): void;
}

/** Options of `AckAfterProcessingReceiver`. */
export interface SocketReceiverOptions {
  appToken: string;
  slackApiUrl: string;
  logger: Logger;
  reconnectDelayMs: number;
  connectTimeoutMs: number;
  hooks: SocketLinkHooks;
}

type LinkState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

/** Payload fields of a Socket Mode `slack_event` the receiver reads. */
interface SocketEventArgs {
  ack(response?: Record<string, unknown>): Promise<void>;
  envelope_id: string;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
}

/**
 * A bolt `Receiver` over Socket Mode that acknowledges after processing.
 *
 * @example
 * const receiver = new AckAfterProcessingReceiver({ appToken, slackApiUrl, logger, reconnectDelayMs: 1000, connectTimeoutMs: 30000, hooks });
 * const app = new App({ token: botToken, receiver });
 * await receiver.start();
 */
export class AckAfterProcessingReceiver implements Receiver {
  readonly #options: SocketReceiverOptions;
  readonly #client: SocketModeClient;
  #app: App | undefined;
  #state: LinkState = 'idle';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #plannedReason: string | undefined;

  constructor(options: SocketReceiverOptions) {
    this.#options = options;
    this.#client = new SocketModeClient({
      appToken: options.appToken,
      logger: options.logger,
      autoReconnectEnabled: false,
      clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 }, timeout: 30_000 },
    });
    this.#client.on('slack_event', (args: SocketEventArgs) => {
      void this.#process(args);
    });
    this.#client.on('ws_message', (data: unknown) => this.#notePlannedDisconnect(data));
    this.#client.on('disconnected', () => this.#onDisconnected());
  }

  init(app: App): void {
    this.#app = app;
  }

  /** Opens the link; resolves once Slack said `hello`. Throws `AdapterError` when it cannot. */
  async start(): Promise<void> {
    if (this.#state === 'connected' || this.#state === 'connecting') return;
    this.#state = 'connecting';
    try {
      await this.#connect();
    } catch (error) {
      this.#state = 'idle';
      throw error;
    }
    if (this.#state !== 'connecting') {
      await this.#client.disconnect();
      throw new AdapterError(SLACK_PLATFORM, 'stopped while connecting', {
        retryable: false,
        reason: 'stopped',
      });
    }
    this.#state = 'connected';
    this.#failures = 0;
  }

  /** Closes the link and stops reconnecting. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#client.disconnect();
  }

  async #process(args: SocketEventArgs): Promise<void> {
    const app = this.#app;
    if (!app) return;
    let response: Record<string, unknown> | undefined;
    const event: ReceiverEvent = {
      body: args.body,
      ack: async (body?: unknown) => {
        if (body !== undefined && body !== null && typeof body === 'object') {
          response = body as Record<string, unknown>;
        } else if (typeof body === 'string') response = { text: body };
      },
      ...(args.retry_num !== undefined ? { retryNum: args.retry_num } : {}),
      ...(args.retry_reason ? { retryReason: args.retry_reason } : {}),
    };
    try {
      await app.processEvent(event);
    } catch (error) {
      this.#options.logger.warn(
        `envelope ${args.envelope_id} (${args.type}) not acknowledged: ${error instanceof Error ? error.message : String(error)}; Slack will deliver it again`,
      );
      return;
    }
    try {
      await args.ack(response);
    } catch (error) {
      this.#options.logger.warn(`could not acknowledge envelope ${args.envelope_id}: ${String(error)}`);
    }
  }

  /** One connection attempt, bounded by the connect timeout. */
  async #connect(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = this.#client.start();
    started.catch(() => {});
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            failureError(
              SLACK_PLATFORM,
              {
                reason: 'network',
                code: 'connect_timeout',
                message: `no hello from Socket Mode within ${this.#options.connectTimeoutMs} ms`,
              },
              'apps.connections.open',
            ),
          ),
        this.#options.connectTimeoutMs,
      );
    });
    try {
      await Promise.race([started, timeout]);
    } catch (error) {
      if (error instanceof AdapterError) {
        await this.#client.disconnect().catch(() => {});
        throw error;
      }
      if (error === undefined) {
        throw failureError(
          SLACK_PLATFORM,
          {
            reason: 'connection_lost',
            code: 'socket_closed',
            message: 'the connection closed before Slack said hello',
          },
          'Socket Mode',
        );
      }
      throw toAdapterError(error, 'apps.connections.open');
    } finally {
      clearTimeout(timer);
    }
  }

  #notePlannedDisconnect(data: unknown): void {
    const text =
      typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : '';
    if (!text.includes('"disconnect"')) return;
    try {
      const message = JSON.parse(text) as { type?: string; reason?: string };
      if (message.type === 'disconnect') this.#plannedReason = message.reason ?? 'disconnect';
    } catch {
      // not JSON: the client ignores it too
    }
  }

  #onDisconnected(): void {
    if (this.#state !== 'connected') return;
    this.#state = 'reconnecting';
    const planned = this.#plannedReason;
    this.#plannedReason = undefined;
    if (planned) {
      this.#options.logger.info(`Slack asked to reconnect (${planned}); reconnecting`);
      this.#scheduleReconnect(0);
      return;
    }
    this.#options.hooks.onDrop(
      failureError(
        SLACK_PLATFORM,
        { reason: 'connection_lost', code: 'socket_closed', message: 'the connection dropped; reconnecting' },
        'Socket Mode',
      ),
    );
    this.#scheduleReconnect(this.#options.reconnectDelayMs);
  }

  #scheduleReconnect(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#reconnect();
    }, delayMs);
  }

  async #reconnect(): Promise<void> {
    if (this.#state !== 'reconnecting') return;
    try {
      await this.#connect();
    } catch (error) {
      if (this.#state !== 'reconnecting') return;
      const failure = toAdapterError(error, 'reconnect');
      if (!failure.retryable) {
        this.#state = 'failed';
        this.#options.hooks.onFatal(failure);
        return;
      }
      this.#failures += 1;
      this.#options.hooks.onDrop(failure);
      const delay = Math.min(MAX_RECONNECT_DELAY_MS, this.#options.reconnectDelayMs * 2 ** this.#failures);
      this.#scheduleReconnect(delay);
      return;
    }
    if (this.#state !== 'reconnecting') {
      await this.#client.disconnect().catch(() => {});
      return;
    }
    this.#state = 'connected';
    this.#failures = 0;
    this.#options.logger.info('Socket Mode connection restored');
    this.#options.hooks.onRestored();
  }
}
