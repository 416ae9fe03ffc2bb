/**
 * How `hermes gateway` configures Matrix: `MATRIX_HOMESERVER` turns the platform
 * on; the bot signs in with `MATRIX_ACCESS_TOKEN` (its user id from
 * `MATRIX_USER_ID` or `/whoami`) or with `MATRIX_USER_ID` + `MATRIX_PASSWORD`.
 * Invites are accepted only from users the allowlist (`MATRIX_ALLOWED_USERS`,
 * `GATEWAY_ALLOWED_USERS`, ...) lets in.
 */
import { z } from 'zod';
import { matchAllowlist, type PlatformsConfig } from '../../access/allowlist.ts';
import { definePlatform, fromEnv } from '../kit/index.ts';
import { MatrixAdapter } from './matrix-adapter.ts';
import { MATRIX_PLATFORM } from './matrix-errors.ts';
import type { MatrixOptions } from './matrix-options.ts';

const USER_ID = /^@[^:\s]+:\S+$/;

/** Matrix's settings: each from one variable, each with its fix. */
const fields = {
  homeserver: fromEnv(
    'MATRIX_HOMESERVER',
    z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
      error: (issue) => `"${String(issue.input)}" is not an http(s) URL`,
    }),
    {
      description: 'Homeserver URL of the bot account, e.g. https://matrix.example.org',
      required: true,
      fix: 'set the full URL of your homeserver, e.g. MATRIX_HOMESERVER=https://matrix.example.org',
    },
  ),
  accessToken: fromEnv('MATRIX_ACCESS_TOKEN', z.string(), {
    description: 'Access token of the bot account (Element: Settings → Help & About → Access token)',
    secret: true,
    fix: 'copy the access token from Element: Settings → Help & About → Access token',
  }),
  userId: fromEnv(
    'MATRIX_USER_ID',
    z.string().regex(USER_ID, { error: (issue) => `"${String(issue.input)}" is not a Matrix user id` }),
    {
      description: 'The bot user id, e.g. @hermes:example.org',
      fix: 'write the full id with the server name, e.g. MATRIX_USER_ID=@hermes:example.org',
    },
  ),
  password: fromEnv('MATRIX_PASSWORD', z.string(), {
    description: 'Password of the bot account (instead of an access token)',
    secret: true,
    untrimmed: true,
    fix: 'set the password of the bot account',
  }),
};

/** Matrix as the gateway configures it. */
export const matrixPlatform = definePlatform({
  name: MATRIX_PLATFORM,
  title: 'Matrix',
  fields,
  check: (s, failed) => {
    if (!s.accessToken && !s.password) {
      return [
        {
          path: 'MATRIX_ACCESS_TOKEN',
          message: 'neither an access token nor a password is set',
          fix: 'set MATRIX_ACCESS_TOKEN (Element: Settings → Help & About → Access token), or MATRIX_USER_ID and MATRIX_PASSWORD',
        },
      ];
    }
    if (!s.accessToken && !s.userId && !failed.has('userId')) {
      return [
        {
          path: 'MATRIX_USER_ID',
          message: 'a password login needs the user id',
          fix: 'set MATRIX_USER_ID=@yourbot:example.org next to MATRIX_PASSWORD',
        },
      ];
    }
    return [];
  },
  moreVariables: [
    {
      name: 'MATRIX_ALLOWED_USERS',
      description: 'Comma-separated user ids (@alice:example.org) who may talk to the bot and invite it',
    },
  ],
  options: (s, source): MatrixOptions => {
    const platforms = { matrix: { extra: source.extra } } as unknown as PlatformsConfig;
    return {
      homeserverUrl: new URL(s.homeserver as string).href.replace(/\/+$/, ''),
      ...(s.accessToken ? { accessToken: s.accessToken } : {}),
      ...(s.userId ? { userId: s.userId } : {}),
      ...(s.password && !s.accessToken ? { password: s.password } : {}),
      isAllowedInviter: (inviter) => matchAllowlist('matrix', inviter, source.env, platforms) !== undefined,
    };
  },
  create: (options) => new MatrixAdapter(options),
});

/** The variables `hermes gateway setup` lists for Matrix. */
export const MATRIX_VARIABLES = matrixPlatform.variables;

/**
 * Reads the Matrix settings from the environment.
 *
 * @example
 * readMatrixOptions({ env: { MATRIX_HOMESERVER: 'https://hs', MATRIX_ACCESS_TOKEN: 't' }, extra: {}, home: '' })
 */
export const readMatrixOptions = matrixPlatform.read;
