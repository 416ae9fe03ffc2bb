/**
 * The access gate every inbound message passes before it reaches a session or a
 * command: allowlisted and paired senders are let in, strangers are refused.
 *
 * - Allowed (allowlist rule or paired user) → `allow`; a freshly approved user's
 *   first message carries the one-time notice "✅ You're approved — you can talk to me now."
 * - A stranger's direct message → `pair` (a reply with a pairing code and the
 *   command the owner runs) or `ignore`, per `unauthorized_dm_behavior` (see
 *   `unauthorizedDmBehavior`).
 * - No new code for a stranger who got one less than 10 minutes ago, or while the
 *   platform holds 3 pending requests: they are told so without a code, at most
 *   once per 10 minutes (further messages are ignored), so a stranger cannot make
 *   the bot send a message for each of theirs.
 * - A stranger in a group, channel or thread → `ignore`, silently; groups never get codes.
 *
 * Every refusal is logged (platform, user, chat, reason), never with a code.
 */
import type { InboundMessage } from '../adapters/contract.ts';
import type { AccessLogger } from './access-logger.ts';
import {
  type AccessEnv,
  type AllowMatch,
  matchAllowlist,
  type PlatformsConfig,
  unauthorizedDmBehavior,
} from './allowlist.ts';
import { PAIRING_REQUEST_INTERVAL_MS, type Pairing } from './pairing.ts';

/**
 * What to do with an inbound message.
 *
 * - `allow`: pass it on; send `notice` to the chat first when present.
 * - `pair`: answer the sender with `reply` and drop the message. The reply may hold a
 *   pairing code: deliver it straight through the adapter, never through a durable
 *   store (outbox, transcript) or a log, so the code is kept nowhere.
 * - `ignore`: drop the message without answering.
 */
export type AccessDecision =
  | { kind: 'allow'; notice?: string }
  | { kind: 'pair'; reply: string }
  | { kind: 'ignore'; reason: string };

/** What an approved user is told on their first message after approval. */
export const APPROVAL_NOTICE = "✅ You're approved — you can talk to me now.";

/**
 * The reply that gives a stranger their pairing code.
 *
 * @example
 * pairingCodeReply('telegram', 'XKGH5N7P')
 * // 'Pairing code: XKGH5N7P\n...hermes pairing approve telegram XKGH5N7P...'
 */
export function pairingCodeReply(platform: string, code: string): string {
  return [
    `Pairing code: ${code}`,
    '',
    "I only talk to people my owner approved. Send this code to the bot's owner; they approve you with:",
    `hermes pairing approve ${platform} ${code}`,
    '',
    'The code expires in 1 hour.',
  ].join('\n');
}

/** The reply to a stranger who already got a code less than 10 minutes ago. */
export function pairingRateLimitedReply(minutes: number): string {
  return (
    "⏳ You already have a pairing code waiting for the owner's approval. " +
    `If you lost it, write again in ${minutes} minute${minutes === 1 ? '' : 's'} for a new one.`
  );
}

/** The reply to a stranger when the platform holds the most pending requests. */
export const PAIRING_BUSY_REPLY =
  '⏳ Too many people are waiting for approval right now, so I cannot give you a pairing code. ' +
  'Please try again later.';

/** What `AccessControl` needs. */
export interface AccessControlDeps {
  pairing: Pairing;
  /** Environment with the allowlist variables (`process.env`). */
  env: AccessEnv;
  /** `gateway.platforms` of the configuration. */
  platforms: PlatformsConfig;
  log: AccessLogger;
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/**
 * The access gate.
 *
 * @example
 * const access = new AccessControl({ pairing, env: process.env, platforms: config.gateway.platforms, log });
 * const decision = await access.authorize(message);
 * if (decision.kind === 'pair') await adapter.send({ ...replyTo(message), text: decision.reply });
 */
export class AccessControl {
  readonly #deps: AccessControlDeps;
  readonly #now: () => number;
  /** Strangers told "no code now", by (platform, user) → when; one such reply per 10 minutes. */
  readonly #refusalsTold = new Map<string, number>();

  constructor(deps: AccessControlDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** The allowlist rule that lets the sender in, if any (pairing not consulted). */
  allowlistMatch(platform: string, userId: string): AllowMatch | undefined {
    return matchAllowlist(platform, userId, this.#deps.env, this.#deps.platforms);
  }

  /** Whether the sender may reach the agent (allowlisted or paired), without side effects. */
  async isAuthorized(platform: string, userId: string): Promise<boolean> {
    return (
      this.allowlistMatch(platform, userId) !== undefined ||
      (await this.#deps.pairing.isApproved(platform, userId))
    );
  }

  /** Decides what happens to an inbound message (see `AccessDecision`). */
  async authorize(message: InboundMessage): Promise<AccessDecision> {
    const { platform, userId } = message;
    if (this.allowlistMatch(platform, userId) !== undefined) return { kind: 'allow' };
    const { pairing } = this.#deps;
    if (await pairing.isApproved(platform, userId)) {
      return (await pairing.takeApprovalNotice(platform, userId))
        ? { kind: 'allow', notice: APPROVAL_NOTICE }
        : { kind: 'allow' };
    }
    if (message.chatType !== 'dm')
      return this.#ignore(message, `not allowed to talk in a ${message.chatType}`);
    if (unauthorizedDmBehavior(platform, this.#deps.env, this.#deps.platforms) === 'ignore') {
      return this.#ignore(message, 'not allowed (unauthorized direct messages are ignored on this platform)');
    }
    const result = await pairing.request(platform, userId, message.userName, message.chatId);
    switch (result.kind) {
      case 'code':
        this.#refused(message, 'not allowed: pairing code sent');
        return { kind: 'pair', reply: pairingCodeReply(platform, result.code) };
      case 'rate_limited': {
        const minutes = Math.max(1, Math.ceil((result.retryAt - this.#now()) / 60_000));
        return this.#tellOnce(message, pairingRateLimitedReply(minutes), 'pairing code sent recently');
      }
      case 'too_many_pending':
        return this.#tellOnce(message, PAIRING_BUSY_REPLY, 'too many pending pairing requests');
    }
  }

  /** Answers a refused stranger once per 10 minutes, then ignores them. */
  #tellOnce(message: InboundMessage, reply: string, why: string): AccessDecision {
    const now = this.#now();
    for (const [key, at] of this.#refusalsTold) {
      if (now - at >= PAIRING_REQUEST_INTERVAL_MS) this.#refusalsTold.delete(key);
    }
    const key = JSON.stringify([message.platform, message.userId]);
    if (this.#refusalsTold.has(key)) return this.#ignore(message, `not allowed: ${why} (already told)`);
    this.#refusalsTold.set(key, now);
    this.#refused(message, `not allowed: ${why}; told without a code`);
    return { kind: 'pair', reply };
  }

  #ignore(message: InboundMessage, reason: string): AccessDecision {
    this.#refused(message, reason);
    return { kind: 'ignore', reason };
  }

  #refused(message: InboundMessage, reason: string): void {
    this.#deps.log.info(
      {
        platform: message.platform,
        userId: message.userId,
        userName: message.userName,
        chatType: message.chatType,
        chatId: message.chatId,
        reason,
      },
      'access refused',
    );
  }
}
