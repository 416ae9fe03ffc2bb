/**
 * Who may reach the agent, default deny: every authorization rule in one place,
 * as pure functions of (platform, user id, environment, `gateway.platforms`).
 *
 * A sender is allowed when one of these holds (checked in this order):
 * 1. the platform authorizes at its transport (`api`: bearer key; `webhook`: HMAC signature);
 * 2. `GATEWAY_ALLOW_ALL_USERS=true`;
 * 3. `<PLATFORM>_ALLOW_ALL_USERS=true`;
 * 4. the sender is in `<PLATFORM>_ALLOWED_USERS`;
 * 5. the sender is in `GATEWAY_ALLOWED_USERS` (any platform);
 * 6. the sender is in `gateway.platforms.<platform>.extra.allow_from`.
 * Users approved through DM pairing are allowed too (see `Pairing`); everyone else is refused.
 *
 * Lists are comma-separated; `*` allows everyone. An entry matches a sender when it
 * is the same id. Senders whose id is an e-mail address also match without regard to
 * case, and an entry without `@` matches the local part of an address
 * (`alice` matches `alice@example.com` and `Alice@other.org`: list full addresses to
 * pin the domain). Flags count as set for `true`, `1`, `yes` or `on` (any case).
 */
import type { PlatformSettings } from '../config/schema.ts';
import { toIdList } from './id-list.ts';

/** The environment the rules read (`process.env` fits). */
export type AccessEnv = Readonly<Record<string, string | undefined>>;

/** `gateway.platforms` of the configuration: platform name → its settings. */
export type PlatformsConfig = Readonly<Record<string, PlatformSettings>>;

/**
 * Platform name (as adapters name themselves) → the environment variable of its
 * allowlist, for every platform of the gateway. `<PLATFORM>_ALLOW_ALL_USERS` uses the
 * same prefix. Platforms not listed here (added by an embedding app) use their name
 * in capitals, non-alphanumerics as `_` (see `allowlistVariable`).
 */
export const PLATFORM_ALLOWLIST_VARIABLES = {
  telegram: 'TELEGRAM_ALLOWED_USERS',
  discord: 'DISCORD_ALLOWED_USERS',
  slack: 'SLACK_ALLOWED_USERS',
  google_chat: 'GOOGLE_CHAT_ALLOWED_USERS',
  whatsapp: 'WHATSAPP_ALLOWED_USERS',
  signal: 'SIGNAL_ALLOWED_USERS',
  sms: 'SMS_ALLOWED_USERS',
  email: 'EMAIL_ALLOWED_USERS',
  homeassistant: 'HOMEASSISTANT_ALLOWED_USERS',
  mattermost: 'MATTERMOST_ALLOWED_USERS',
  matrix: 'MATRIX_ALLOWED_USERS',
  dingtalk: 'DINGTALK_ALLOWED_USERS',
  feishu: 'FEISHU_ALLOWED_USERS',
  wecom: 'WECOM_ALLOWED_USERS',
  wecom_callback: 'WECOM_CALLBACK_ALLOWED_USERS',
  weixin: 'WEIXIN_ALLOWED_USERS',
  bluebubbles: 'BLUEBUBBLES_ALLOWED_USERS',
  qq: 'QQ_ALLOWED_USERS',
  yuanbao: 'YUANBAO_ALLOWED_USERS',
  teams: 'TEAMS_ALLOWED_USERS',
  line: 'LINE_ALLOWED_USERS',
  ntfy: 'NTFY_ALLOWED_USERS',
} as const satisfies Record<string, string>;

/**
 * Platforms that authorize every request at their transport: the OpenAI-compatible
 * API server (bearer key) and signed webhooks (HMAC). Their messages are always allowed here.
 */
export const TRANSPORT_AUTHORIZED_PLATFORMS: readonly string[] = ['api', 'webhook'];

/** The allowlist every platform shares. */
export const GATEWAY_ALLOWLIST_VARIABLE = 'GATEWAY_ALLOWED_USERS';

/** The switch that lets everyone in on every platform. */
export const GATEWAY_ALLOW_ALL_VARIABLE = 'GATEWAY_ALLOW_ALL_USERS';

/** The entry that allows everyone. */
export const ALLOW_EVERYONE = '*';

const ALLOWED_USERS_SUFFIX = '_ALLOWED_USERS';
const ALLOW_ALL_SUFFIX = '_ALLOW_ALL_USERS';

/** The environment-variable prefix of a platform: `TELEGRAM`, `GOOGLE_CHAT`, `MY_PAGER` for `my-pager`. */
export function platformEnvPrefix(platform: string): string {
  const known = (PLATFORM_ALLOWLIST_VARIABLES as Readonly<Record<string, string>>)[platform];
  if (known !== undefined) return known.slice(0, -ALLOWED_USERS_SUFFIX.length);
  return platform.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The allowlist variable of a platform.
 *
 * @example
 * allowlistVariable('google_chat') // 'GOOGLE_CHAT_ALLOWED_USERS'
 */
export function allowlistVariable(platform: string): string {
  return `${platformEnvPrefix(platform)}${ALLOWED_USERS_SUFFIX}`;
}

/**
 * The allow-everyone switch of a platform.
 *
 * @example
 * allowAllVariable('telegram') // 'TELEGRAM_ALLOW_ALL_USERS'
 */
export function allowAllVariable(platform: string): string {
  return `${platformEnvPrefix(platform)}${ALLOW_ALL_SUFFIX}`;
}

/** The config key of a platform's `allow_from` list, for messages. */
export function allowFromKey(platform: string): string {
  return `gateway.platforms.${platform}.extra.allow_from`;
}

/** Whether a flag variable is set: `true`, `1`, `yes` or `on`, in any case. */
export function isFlagSet(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes|on)$/i.test(value.trim());
}

/** Whether a flag variable holds a word that is neither set nor clearly unset. */
function isUnreadableFlag(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return false;
  return !isFlagSet(value) && !/^(false|0|no|off)$/i.test(value.trim());
}

/** The local part of an e-mail address, or undefined when `id` is not one. */
function emailLocalPart(id: string): string | undefined {
  return /^([^@\s]+)@[^@\s]+\.[^@\s]+$/.exec(id)?.[1];
}

/**
 * Whether one allowlist entry matches a sender id: `*`, the same id, or for an
 * e-mail sender the same address in any case or (for an entry without `@`) its
 * local part.
 *
 * @example
 * entryMatches('alice', 'Alice@example.com') // true
 * entryMatches('alice@example.com', 'alice@other.org') // false
 */
export function entryMatches(entry: string, userId: string): boolean {
  if (entry === ALLOW_EVERYONE || entry === userId) return true;
  const local = emailLocalPart(userId);
  if (local === undefined) return false;
  const wanted = entry.toLowerCase();
  return entry.includes('@') ? wanted === userId.toLowerCase() : wanted === local.toLowerCase();
}

/** Whether any entry of `list` matches `userId`. */
export function listMatches(list: readonly string[], userId: string): boolean {
  return list.some((entry) => entryMatches(entry, userId));
}

/** Which rule let a sender in. */
export type AllowRule =
  | 'transport'
  | 'gateway_allow_all'
  | 'platform_allow_all'
  | 'platform_allowlist'
  | 'gateway_allowlist'
  | 'allow_from';

/** A rule that let a sender in, with where it is set (variable or config key), for logs. */
export interface AllowMatch {
  rule: AllowRule;
  source: string;
}

/** The `allow_from` entries of a platform. */
export function allowFromList(platform: string, platforms: PlatformsConfig): string[] {
  return toIdList(platforms[platform]?.extra?.allow_from);
}

/**
 * The rule that allows `userId` on `platform`, or undefined when no allowlist does
 * (the sender may still be a paired user).
 *
 * @example
 * matchAllowlist('telegram', '42', { TELEGRAM_ALLOWED_USERS: '42,43' }, {})
 * // { rule: 'platform_allowlist', source: 'TELEGRAM_ALLOWED_USERS' }
 */
export function matchAllowlist(
  platform: string,
  userId: string,
  env: AccessEnv,
  platforms: PlatformsConfig,
): AllowMatch | undefined {
  if (TRANSPORT_AUTHORIZED_PLATFORMS.includes(platform)) return { rule: 'transport', source: platform };
  if (isFlagSet(env[GATEWAY_ALLOW_ALL_VARIABLE])) {
    return { rule: 'gateway_allow_all', source: GATEWAY_ALLOW_ALL_VARIABLE };
  }
  const allowAll = allowAllVariable(platform);
  if (isFlagSet(env[allowAll])) return { rule: 'platform_allow_all', source: allowAll };
  const own = allowlistVariable(platform);
  if (listMatches(toIdList(env[own]), userId)) return { rule: 'platform_allowlist', source: own };
  if (listMatches(toIdList(env[GATEWAY_ALLOWLIST_VARIABLE]), userId)) {
    return { rule: 'gateway_allowlist', source: GATEWAY_ALLOWLIST_VARIABLE };
  }
  if (listMatches(allowFromList(platform, platforms), userId)) {
    return { rule: 'allow_from', source: allowFromKey(platform) };
  }
  return undefined;
}

/**
 * Whether an allowlist applies to `platform`: its own variable, `GATEWAY_ALLOWED_USERS`
 * or its `allow_from` holds at least one entry.
 */
export function hasAllowlist(platform: string, env: AccessEnv, platforms: PlatformsConfig): boolean {
  return (
    toIdList(env[allowlistVariable(platform)]).length > 0 ||
    toIdList(env[GATEWAY_ALLOWLIST_VARIABLE]).length > 0 ||
    allowFromList(platform, platforms).length > 0
  );
}

/** What a stranger's direct message gets. */
export type UnauthorizedDmBehavior = 'pair' | 'ignore';

/**
 * What a direct message from a sender no rule allows gets: the platform's
 * `unauthorized_dm_behavior` when set; otherwise `ignore` on e-mail (anyone can
 * write to an address) and on platforms with an allowlist (the owner chose who
 * may talk), and `pair` everywhere else.
 */
export function unauthorizedDmBehavior(
  platform: string,
  env: AccessEnv,
  platforms: PlatformsConfig,
): UnauthorizedDmBehavior {
  const configured = platforms[platform]?.unauthorized_dm_behavior;
  if (configured !== undefined) return configured;
  if (platform === 'email') return 'ignore';
  return hasAllowlist(platform, env, platforms) ? 'ignore' : 'pair';
}

/** The platform a `<PREFIX>_...` variable belongs to, for messages. */
function platformOfPrefix(prefix: string): string {
  for (const [platform, variable] of Object.entries(PLATFORM_ALLOWLIST_VARIABLES)) {
    if (variable === `${prefix}${ALLOWED_USERS_SUFFIX}`) return platform;
  }
  return prefix.toLowerCase();
}

const TERMINAL_RISK = 'reach an agent that can run terminal commands';

/**
 * Warnings to log at start: every setting that lets anyone in
 * (`GATEWAY_ALLOW_ALL_USERS`, `<PLATFORM>_ALLOW_ALL_USERS`, `*` in a list) and
 * allow-all flags whose value is neither on nor off (they count as off).
 *
 * @example
 * accessWarnings({ GATEWAY_ALLOW_ALL_USERS: 'true' }, {})
 * // ['GATEWAY_ALLOW_ALL_USERS=true lets anyone reach an agent that can run terminal commands']
 */
export function accessWarnings(env: AccessEnv, platforms: PlatformsConfig): string[] {
  const warnings: string[] = [];
  const names = Object.keys(env).sort();
  for (const name of names) {
    const value = env[name];
    if (name.endsWith(ALLOW_ALL_SUFFIX)) {
      const prefix = name.slice(0, -ALLOW_ALL_SUFFIX.length);
      const where = name === GATEWAY_ALLOW_ALL_VARIABLE ? '' : ` on ${platformOfPrefix(prefix)}`;
      if (isFlagSet(value)) warnings.push(`${name}=${value?.trim()} lets anyone${where} ${TERMINAL_RISK}`);
      else if (isUnreadableFlag(value)) {
        warnings.push(`${name}=${value} is not true or false and counts as false; set it to true or false`);
      }
    } else if (name.endsWith(ALLOWED_USERS_SUFFIX) && toIdList(value).includes(ALLOW_EVERYONE)) {
      const prefix = name.slice(0, -ALLOWED_USERS_SUFFIX.length);
      const where = name === GATEWAY_ALLOWLIST_VARIABLE ? '' : ` on ${platformOfPrefix(prefix)}`;
      warnings.push(`${name} contains * and lets anyone${where} ${TERMINAL_RISK}`);
    }
  }
  for (const platform of Object.keys(platforms).sort()) {
    if (allowFromList(platform, platforms).includes(ALLOW_EVERYONE)) {
      warnings.push(`${allowFromKey(platform)} contains * and lets anyone on ${platform} ${TERMINAL_RISK}`);
    }
  }
  return warnings;
}
