/**
 * The Matrix adapter's options.
 */

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
