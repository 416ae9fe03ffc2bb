/**
 * Signing the bot in: with an access token (the user id from the settings or
 * from `/account/whoami`), or with `m.login.password`, which returns a fresh
 * token for a fixed device id so restarts reuse one device.
 */
import { createClient } from 'matrix-js-sdk';
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import { toAdapterError } from './matrix-errors.ts';
import type { MatrixOptions } from './matrix-options.ts';

/** Who the bot is on the homeserver. */
export interface MatrixCredentials {
  userId: string;
  accessToken: string;
  deviceId?: string;
}

/** The device id of password logins when none is configured. */
export const DEFAULT_DEVICE_ID = 'HERMESGATEWAY';

/**
 * Resolves the bot's credentials. Throws `AdapterError` (`reason: 'unauthorized'`
 * for a wrong token or password, retryable for network and server failures).
 */
export async function resolveCredentials(options: MatrixOptions, logger: Logger): Promise<MatrixCredentials> {
  const baseUrl = options.homeserverUrl;
  if (options.accessToken) {
    const probe = createClient({ baseUrl, accessToken: options.accessToken, logger });
    try {
      const me = await probe.whoami();
      if (options.userId && options.userId !== me.user_id) {
        logger.warn(
          `MATRIX_USER_ID ${options.userId} differs from the token's user ${me.user_id}; using the token's`,
        );
      }
      return {
        userId: me.user_id,
        accessToken: options.accessToken,
        ...(me.device_id ? { deviceId: me.device_id } : {}),
      };
    } catch (error) {
      throw toAdapterError(error, 'check the access token (/account/whoami)', true);
    }
  }
  if (!options.userId || !options.password) {
    throw toAdapterError(new Error('no access token and no user id + password'), 'sign in', true);
  }
  const client = createClient({ baseUrl, logger });
  try {
    const res = await client.loginRequest({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: options.userId },
      password: options.password,
      device_id: options.deviceId ?? DEFAULT_DEVICE_ID,
      initial_device_display_name: 'Hermes gateway',
    });
    return { userId: res.user_id, accessToken: res.access_token, deviceId: res.device_id };
  } catch (error) {
    throw toAdapterError(error, 'log in with the password', true);
  }
}
