/**
 * Telegram's webhook route on the HTTP ingress: Telegram posts each update to
 * the path of the webhook URL with the secret token in
 * `X-Telegram-Bot-Api-Secret-Token`. A wrong or missing secret gets 401; a
 * body that is not an update the adapter can use (not JSON, wrong types, no
 * chat, a kind the adapter does not ask for) gets 200 "ignored", because
 * Telegram delivers any non-2xx update again for hours and holds up the chat
 * behind it; 200 otherwise comes only after the update was handled (the
 * message committed to the inbox). The ingress answers 503 when it was not.
 */
import { timingSafeEqual } from 'node:crypto';
import { type RouteOutcome, rejected, type WebhookRouteSpec } from '../../http/webhook-route.ts';
import { TELEGRAM_PLATFORM } from './telegram-errors.ts';

/** The header Telegram sends the webhook secret in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** What the route needs from the adapter. */
export interface TelegramWebhookDeps {
  /** The path of the webhook URL. */
  path: string;
  /** The secret Telegram must send. */
  secret: string;
  /**
   * Checks (`parseUpdate`) and handles the posted JSON; resolves after it was ingested,
   * or with why it was skipped or ignored.
   */
  handle(value: unknown): Promise<RouteOutcome>;
}

/**
 * The route spec of Telegram's webhook.
 *
 * @example
 * const route = http.route(telegramWebhookRoute({ path: '/telegram', secret, handle }));
 */
export function telegramWebhookRoute(deps: TelegramWebhookDeps): WebhookRouteSpec {
  return {
    owner: TELEGRAM_PLATFORM,
    method: 'POST',
    path: deps.path,
    redelivers: true,
    handler: async (request) => {
      if (!secretMatches(request.header(SECRET_HEADER), deps.secret)) {
        return rejected(401, 'bad_secret', 'wrong secret token in X-Telegram-Bot-Api-Secret-Token');
      }
      return deps.handle(request.json());
    },
  };
}

function secretMatches(header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
