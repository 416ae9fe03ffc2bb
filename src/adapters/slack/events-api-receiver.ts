/**
 * The Events API receiver: bolt's `App` gets its events from the `POST
 * /slack/events` route of the HTTP ingress. The receiver checks the request's
 * signature (401 when it does not match or is stale), answers the URL
 * verification challenge and SSL checks, checks the envelope's shape, and
 * hands the event to bolt; the ingress answers 200 only after the listeners
 * finished, that is after `ctx.ingest()` committed the message. An envelope
 * the adapter cannot use (not JSON, wrong types, an event kind it does not
 * take) is answered 200 "ignored": Slack would otherwise deliver it again.
 */
import type { App, Logger, Receiver, ReceiverEvent } from '@slack/bolt';
import { z } from 'zod';
import { NotCommittedError, UnusablePayloadError } from '../../http/errors.ts';
import {
  accepted,
  ignored,
  type RouteOutcome,
  rejected,
  skipped,
  type WebhookRequest,
  type WebhookRouteSpec,
} from '../../http/webhook-route.ts';
import { verifySlackSignature } from './request-signature.ts';
import { SLACK_PLATFORM } from './slack-errors.ts';
import { SLACK_EVENTS_PATH } from './slack-options.ts';

/** The event kinds the adapter listens to. */
const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['message', 'app_mention']);

const text = z.string();
const optionalText = z.string().optional();

const file = z.looseObject({
  id: text,
  name: z.string().nullable().optional(),
  title: z.string().nullable().optional(),
  mimetype: optionalText,
  filetype: optionalText,
  subtype: optionalText,
  size: z.number().optional(),
  url_private: optionalText,
  url_private_download: optionalText,
});

/** The fields of a `message` / `app_mention` event the adapter reads. */
const messageEvent = z.looseObject({
  type: text,
  subtype: optionalText,
  channel: text,
  channel_type: optionalText,
  user: optionalText,
  bot_id: z.string().nullable().optional(),
  text: optionalText,
  ts: text,
  thread_ts: optionalText,
  files: z.array(file).optional(),
});

const envelope = z.looseObject({
  type: z.literal('event_callback'),
  team_id: optionalText,
  api_app_id: optionalText,
  event_id: optionalText,
  event: z.looseObject({ type: text }),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'body'}: ${issue.message}` : 'invalid';
}

/** The JSON of a request: a JSON body, or the `payload` field of a form (interactivity). */
function bodyOf(request: WebhookRequest): Record<string, unknown> {
  const type = request.header('content-type') ?? '';
  let value: unknown;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(request.text());
    if (form.get('ssl_check') === '1') return { ssl_check: '1' };
    const payload = form.get('payload');
    if (payload === null) throw new UnusablePayloadError('not_json', 'a form without a payload field');
    try {
      value = JSON.parse(payload);
    } catch {
      throw new UnusablePayloadError('not_json', 'the payload field is not JSON');
    }
  } else {
    value = request.json();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnusablePayloadError('not_an_object', 'the body is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * A bolt `Receiver` fed by the ingress route.
 *
 * @example
 * const receiver = new EventsApiReceiver({ signingSecret, logger });
 * const app = new App({ token, receiver });
 * http.route(eventsApiRoute(() => receiver));
 */
export class EventsApiReceiver implements Receiver {
  readonly #signingSecret: string;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #skipped = new WeakMap<object, string>();
  #app: App | undefined;

  constructor(options: { signingSecret: string; logger: Logger; now?: () => number }) {
    this.#signingSecret = options.signingSecret;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  init(app: App): void {
    this.#app = app;
  }

  /** The route is attached by the adapter; nothing to open here. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Notes why the adapter left an envelope's event out (answered and counted as skipped). */
  skip(body: object, reason: string): void {
    this.#skipped.set(body, reason);
  }

  /** Handles one request of the route. */
  async handle(request: WebhookRequest): Promise<RouteOutcome> {
    const verified = verifySlackSignature({
      signingSecret: this.#signingSecret,
      rawBody: request.rawBody,
      timestamp: request.header('x-slack-request-timestamp'),
      signature: request.header('x-slack-signature'),
      nowSeconds: Math.floor(this.#now() / 1000),
    });
    if (!verified.ok) {
      return rejected(401, verified.reason, 'the request signature does not match (X-Slack-Signature)');
    }
    const body = bodyOf(request);
    if (body.ssl_check === '1') return accepted();
    if (body.type === 'url_verification') {
      return typeof body.challenge === 'string'
        ? accepted({ challenge: body.challenge })
        : ignored('invalid_challenge', 'url_verification without a challenge');
    }
    const checked = envelope.safeParse(body);
    if (!checked.success) {
      return typeof body.type === 'string' && body.type !== 'event_callback'
        ? ignored('unsupported_envelope', `an envelope of type ${body.type.slice(0, 40)}`)
        : ignored('invalid_envelope', firstIssue(checked.error));
    }
    const kind = checked.data.event.type;
    if (!MESSAGE_EVENTS.has(kind))
      return ignored('unsupported_event', `an event of type ${kind.slice(0, 40)}`);
    const event = messageEvent.safeParse(checked.data.event);
    if (!event.success) return ignored('invalid_event', `event.${firstIssue(event.error)}`);
    return this.#process(request, body);
  }

  async #process(request: WebhookRequest, body: Record<string, unknown>): Promise<RouteOutcome> {
    const app = this.#app;
    if (!app) throw new Error('the Events API receiver has no app');
    let response: unknown;
    const retryNum = Number(request.header('x-slack-retry-num'));
    const retryReason = request.header('x-slack-retry-reason');
    const event: ReceiverEvent = {
      body,
      ack: async (answer?: unknown) => {
        if (answer !== undefined && answer !== null && answer !== '') response = answer;
      },
      ...(Number.isInteger(retryNum) ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
    };
    await app.processEvent(event);
    const reason = this.#skipped.get(body);
    if (reason !== undefined) return skipped(reason);
    this.#logger.debug(`event ${String(body.event_id ?? '')} handled`);
    return accepted(response);
  }
}

/**
 * The route spec of the Events API; `receiver` gives the running adapter's receiver.
 *
 * @example
 * http.route(eventsApiRoute(() => running?.receiver));
 */
export function eventsApiRoute(receiver: () => EventsApiReceiver | undefined): WebhookRouteSpec {
  return {
    owner: SLACK_PLATFORM,
    method: 'POST',
    path: SLACK_EVENTS_PATH,
    redelivers: true,
    handler: async (request) => {
      const current = receiver();
      if (!current) throw new NotCommittedError('not_running', 'slack: the adapter is not running');
      return current.handle(request);
    },
  };
}
