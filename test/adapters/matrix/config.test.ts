/**
 * Reading the Matrix settings: what turns the platform on, and each mistake
 * named with its variable and the fix.
 */
import { describe, expect, it } from 'vitest';
import { matrixPlatform } from '../../../src/adapters/matrix/index.ts';
import { MatrixAdapter } from '../../../src/adapters/matrix/matrix-adapter.ts';
import type { MatrixOptions } from '../../../src/adapters/matrix/matrix-options.ts';

const read = (env: Record<string, string>) => matrixPlatform.read({ env, extra: {}, home: '/tmp' });

function options(env: Record<string, string>): MatrixOptions {
  const result = read(env);
  if (!result.configured || !('options' in result))
    throw new Error(`not configured: ${JSON.stringify(result)}`);
  return result.options;
}

describe('matrix: configuration', () => {
  it('is off without MATRIX_HOMESERVER', () => {
    expect(read({ MATRIX_ACCESS_TOKEN: 'syt_x' })).toEqual({ configured: false });
  });

  it('takes a homeserver and an access token', () => {
    expect(
      options({ MATRIX_HOMESERVER: 'https://matrix.example.org/', MATRIX_ACCESS_TOKEN: 'syt_x' }),
    ).toMatchObject({
      homeserverUrl: 'https://matrix.example.org',
      accessToken: 'syt_x',
    });
  });

  it('takes a user id and password instead', () => {
    expect(
      options({
        MATRIX_HOMESERVER: 'https://hs.example',
        MATRIX_USER_ID: '@bot:hs.example',
        MATRIX_PASSWORD: 'pw',
      }),
    ).toMatchObject({ userId: '@bot:hs.example', password: 'pw' });
  });

  it('names the variable and the fix for each mistake', () => {
    const issues = (env: Record<string, string>) => {
      const result = read(env);
      return result.configured && 'issues' in result ? result.issues : [];
    };
    expect(issues({ MATRIX_HOMESERVER: 'matrix.example.org', MATRIX_ACCESS_TOKEN: 't' })).toEqual([
      expect.objectContaining({ path: 'MATRIX_HOMESERVER', fix: expect.stringContaining('https://') }),
    ]);
    expect(issues({ MATRIX_HOMESERVER: 'https://hs.example' })).toEqual([
      expect.objectContaining({
        path: 'MATRIX_ACCESS_TOKEN',
        fix: expect.stringContaining('MATRIX_PASSWORD'),
      }),
    ]);
    expect(issues({ MATRIX_HOMESERVER: 'https://hs.example', MATRIX_PASSWORD: 'pw' })).toEqual([
      expect.objectContaining({ path: 'MATRIX_USER_ID' }),
    ]);
    expect(
      issues({ MATRIX_HOMESERVER: 'https://hs.example', MATRIX_USER_ID: 'bot', MATRIX_PASSWORD: 'pw' }),
    ).toEqual([expect.objectContaining({ path: 'MATRIX_USER_ID', fix: expect.stringContaining('@') })]);
  });

  it('accepts invites only from users of the allowlists', () => {
    const { isAllowedInviter } = options({
      MATRIX_HOMESERVER: 'https://hs.example',
      MATRIX_ACCESS_TOKEN: 't',
      MATRIX_ALLOWED_USERS: '@alice:hs.example, @bob:hs.example',
    });
    expect(isAllowedInviter?.('@alice:hs.example')).toBe(true);
    expect(isAllowedInviter?.('@mallory:hs.example')).toBe(false);
    const none = options({ MATRIX_HOMESERVER: 'https://hs.example', MATRIX_ACCESS_TOKEN: 't' });
    expect(none.isAllowedInviter?.('@alice:hs.example')).toBe(false);
  });

  it('creates a Matrix adapter with every capability of the platform table', () => {
    const adapter = matrixPlatform.create(
      options({ MATRIX_HOMESERVER: 'https://hs.example', MATRIX_ACCESS_TOKEN: 't' }),
    );
    expect(adapter).toBeInstanceOf(MatrixAdapter);
    expect(adapter.capabilities).toMatchObject({
      voice: true,
      images: true,
      files: true,
      threads: true,
      reactions: true,
      typing: true,
      streaming: true,
      edit: true,
      delete: true,
      reconcile: true,
      maxMessageLength: 12_000,
    });
  });
});
