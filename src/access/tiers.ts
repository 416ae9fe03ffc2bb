/**
 * Admin / user tiers for slash commands, per platform and scope, from
 * `gateway.platforms.<platform>.extra`:
 *
 * | scope                           | admins                   | commands users may run        |
 * |---------------------------------|--------------------------|-------------------------------|
 * | `dm` (direct messages)          | `allow_admin_from`       | `user_allowed_commands`       |
 * | `group` (group/channel/thread)  | `group_allow_admin_from` | `group_user_allowed_commands` |
 *
 * A scope without an admin list has tiers off: everyone allowed to talk to the
 * bot is `unrestricted` (every command). With a list, listed users are `admin`
 * (every command) and everyone else is `user` (the listed commands, plus `/help`
 * and `/whoami` always). Each list is a YAML list or one comma-separated text; ids
 * match as in the allowlists (`*` matches everyone, e-mail senders also match on
 * the local part). Command names may be written with or without the slash.
 */
import type { ChatType } from '../adapters/contract.ts';
import { listMatches } from './allowlist.ts';
import { toIdList } from './id-list.ts';

/** Who is asking, for the command gate. */
export type Tier = 'admin' | 'user' | 'unrestricted';

/** Where a command was sent: a direct message, or a group, channel or thread. */
export type Scope = 'dm' | 'group';

/** The gate's view of one caller in one scope. */
export interface TierPolicy {
  tier: Tier;
  /** For the `user` tier: the commands this scope allows users (besides /help and /whoami). */
  userCommands: string[];
}

/**
 * The part of the configuration tiers read: `gateway.platforms`, whose entries may
 * carry an `extra` section (`GatewayConfig` fits).
 */
export interface TierConfig {
  readonly gateway: { readonly platforms: Readonly<Record<string, unknown>> };
}

/** The `extra` keys of each scope. */
export const TIER_KEYS = {
  dm: { admins: 'allow_admin_from', commands: 'user_allowed_commands' },
  group: { admins: 'group_allow_admin_from', commands: 'group_user_allowed_commands' },
} as const satisfies Record<Scope, { admins: string; commands: string }>;

/**
 * The scope of a chat type.
 *
 * @example
 * scopeOf('dm') // 'dm'
 * scopeOf('thread') // 'group'
 */
export function scopeOf(chatType: ChatType): Scope {
  return chatType === 'dm' ? 'dm' : 'group';
}

/** Reads `value[key]` when `value` is a plain object. */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * One list of `gateway.platforms.<platform>.extra`, read defensively: a list or one
 * comma-separated text (numbers kept as text); undefined when the key is absent or
 * holds something else.
 */
function extraList(config: TierConfig, platform: string, key: string): string[] | undefined {
  const value = field(field(config.gateway.platforms[platform], 'extra'), key);
  const isEntry = (v: unknown) => typeof v === 'string' || typeof v === 'number';
  if (isEntry(value)) return toIdList(String(value));
  if (Array.isArray(value) && value.every(isEntry)) return toIdList(value.map(String));
  return undefined;
}

/**
 * The admins of a scope, or undefined when the scope has no admin list (tiers off).
 * An empty list (`allow_admin_from: ""`) counts as no list.
 */
export function adminList(config: TierConfig, platform: string, scope: Scope): string[] | undefined {
  const list = extraList(config, platform, TIER_KEYS[scope].admins);
  return list && list.length > 0 ? list : undefined;
}

/**
 * The caller's tier in a scope.
 *
 * @example
 * resolveTier(config, 'telegram', 'dm', '42') // 'admin' when 42 is in allow_admin_from
 */
export function resolveTier(config: TierConfig, platform: string, scope: Scope, userId: string): Tier {
  const admins = adminList(config, platform, scope);
  if (!admins) return 'unrestricted';
  return listMatches(admins, userId) ? 'admin' : 'user';
}

/**
 * The commands users may run in a scope (canonical names as written, without the
 * slash, lower case; `/help` and `/whoami` are allowed besides these).
 *
 * @example
 * userCommands(config, 'discord', 'group') // ['status', 'model'] from group_user_allowed_commands: "/status, model"
 */
export function userCommands(config: TierConfig, platform: string, scope: Scope): string[] {
  const list = extraList(config, platform, TIER_KEYS[scope].commands) ?? [];
  return [...new Set(list.map((name) => name.replace(/^\//, '').toLowerCase()).filter((n) => n !== ''))];
}

/**
 * The gate's policy for a caller: their tier and, for users, the commands of the scope.
 *
 * @example
 * tierPolicy(config, message.platform, scopeOf(message.chatType), message.userId)
 */
export function tierPolicy(config: TierConfig, platform: string, scope: Scope, userId: string): TierPolicy {
  const tier = resolveTier(config, platform, scope, userId);
  return { tier, userCommands: tier === 'user' ? userCommands(config, platform, scope) : [] };
}
