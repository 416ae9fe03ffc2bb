/**
 * The Matrix adapter's settings and how they are read from the environment:
 * `MATRIX_HOMESERVER` turns the platform on; the bot signs in with
 * `MATRIX_ACCESS_TOKEN` (its user id from `MATRIX_USER_ID` or `/whoami`) or with
 * `MATRIX_USER_ID` + `MATRIX_PASSWORD`. Invites are accepted only from users the
 * allowlist (`MATRIX_ALLOWED_USERS`, `GATEWAY_ALLOWED_USERS`, ...) lets in.
 */
import { matchAllowlist, type PlatformsConfig } from '../../access/allowlist.ts';
import type { ConfigIssue } from '../../errors.ts';
import type { PlatformOptionsResult, PlatformSource, PlatformVariable } from '../platform-definition.ts';

/** How the adapter reaches and signs in to the homeserver. */
export interface MatrixOptions {
  /** Client-server API base URL, e.g. `https://matrix.example.org`. */
  homeserverUrl: string;
  /** An access token of the bot account (wins over the password). */
  accessToken?: string;
  /** The bot's user id (`@bot:example.org`); found with `/whoami` when only a token is given. */
  userId?: string;
  /** The bot's password, for `m.login.password`. */
  password?: string;
  /**
   * Device id used for password logins, so restarts reuse one device (and its
   * transaction ids) instead of adding a new device each time. Default `HERMESGATEWAY`.
   */
  deviceId?: string;
  /** Whether an invite from this user is accepted (others are declined). */
  isAllowedInviter?: (userId: string) => boolean;
}

/** The variables `hermes gateway setup` lists for Matrix. */
export const MATRIX_VARIABLES: readonly PlatformVariable[] = [
  {
    name: 'MATRIX_HOMESERVER',
    description: 'Homeserver URL of the bot account, e.g. https://matrix.example.org',
    required: true,
  },
  {
    name: 'MATRIX_ACCESS_TOKEN',
    description: 'Access token of the bot account (Element: Settings → Help & About → Access token)',
    secret: true,
  },
  { name: 'MATRIX_USER_ID', description: 'The bot user id, e.g. @hermes:example.org' },
  {
    name: 'MATRIX_PASSWORD',
    description: 'Password of the bot account (instead of an access token)',
    secret: true,
  },
  {
    name: 'MATRIX_ALLOWED_USERS',
    description: 'Comma-separated user ids (@alice:example.org) who may talk to the bot and invite it',
  },
];

const USER_ID = /^@[^:\s]+:\S+$/;

/**
 * Reads the Matrix settings from the environment.
 *
 * @example
 * readMatrixOptions({ env: { MATRIX_HOMESERVER: 'https://hs', MATRIX_ACCESS_TOKEN: 't' }, extra: {}, home: '' })
 * // { configured: true, options: { homeserverUrl: 'https://hs', accessToken: 't', ... } }
 */
export function readMatrixOptions(source: PlatformSource): PlatformOptionsResult<MatrixOptions> {
  const env = source.env;
  const homeserver = env.MATRIX_HOMESERVER?.trim();
  if (!homeserver) return { configured: false };
  const issues: ConfigIssue[] = [];
  let url: URL | undefined;
  try {
    url = new URL(homeserver);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    issues.push({
      path: 'MATRIX_HOMESERVER',
      message: `"${homeserver}" is not an http(s) URL`,
      fix: 'set the full URL of your homeserver, e.g. MATRIX_HOMESERVER=https://matrix.example.org',
    });
  }
  const accessToken = env.MATRIX_ACCESS_TOKEN?.trim() || undefined;
  const userId = env.MATRIX_USER_ID?.trim() || undefined;
  const password = env.MATRIX_PASSWORD || undefined;
  if (userId && !USER_ID.test(userId)) {
    issues.push({
      path: 'MATRIX_USER_ID',
      message: `"${userId}" is not a Matrix user id`,
      fix: 'write the full id with the server name, e.g. MATRIX_USER_ID=@hermes:example.org',
    });
  }
  if (!accessToken && !password) {
    issues.push({
      path: 'MATRIX_ACCESS_TOKEN',
      message: 'neither an access token nor a password is set',
      fix: 'set MATRIX_ACCESS_TOKEN (Element: Settings → Help & About → Access token), or MATRIX_USER_ID and MATRIX_PASSWORD',
    });
  } else if (!accessToken && !userId) {
    issues.push({
      path: 'MATRIX_USER_ID',
      message: 'a password login needs the user id',
      fix: 'set MATRIX_USER_ID=@yourbot:example.org next to MATRIX_PASSWORD',
    });
  }
  if (issues.length > 0) return { configured: true, issues };
  const platforms = { matrix: { extra: source.extra } } as unknown as PlatformsConfig;
  return {
    configured: true,
    options: {
      homeserverUrl: (url as URL).href.replace(/\/+$/, ''),
      ...(accessToken ? { accessToken } : {}),
      ...(userId ? { userId } : {}),
      ...(password && !accessToken ? { password } : {}),
      isAllowedInviter: (inviter) => matchAllowlist('matrix', inviter, env, platforms) !== undefined,
    },
  };
}
