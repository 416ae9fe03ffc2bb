/**
 * How `hermes gateway` configures Slack: `SLACK_BOT_TOKEN` turns it on,
 * `SLACK_APP_TOKEN` selects Socket Mode (it wins), otherwise
 * `SLACK_SIGNING_SECRET` selects the Events API at `/slack/events` on the
 * gateway's HTTP ingress (`SLACK_EVENTS_PORT` / `_HOST` set the ingress's
 * `gateway.http.port` / `host`, see `config/env-overrides.ts`).
 * `gateway.platforms.slack.extra.require_mention: false` answers every channel
 * message, not only mentions.
 */
import type { ConfigIssue } from '../../errors.ts';
import type { PlatformDefinition, PlatformOptionsResult } from '../platform-definition.ts';
import { SlackAdapter } from './slack-adapter.ts';
import { SLACK_PLATFORM } from './slack-errors.ts';
import { SLACK_EVENTS_PATH, type SlackOptions } from './slack-options.ts';

const EXTRA = `gateway.platforms.${SLACK_PLATFORM}.extra`;

function readBoolean(value: unknown): boolean | undefined | 'bad' {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|yes|on|1)$/i.test(value.trim())) return true;
  if (typeof value === 'string' && /^(false|no|off|0)$/i.test(value.trim())) return false;
  return 'bad';
}

/**
 * Reads Slack's settings from the environment and `extra`.
 *
 * @example
 * readSlackOptions({ env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, extra: {}, home: '/tmp' });
 * // { configured: true, options: { botToken: 'xoxb-1', appToken: 'xapp-1', ... } }
 */
export function readSlackOptions(source: {
  env: NodeJS.ProcessEnv;
  extra: Record<string, unknown>;
}): PlatformOptionsResult<SlackOptions> {
  const { env, extra } = source;
  const botToken = env.SLACK_BOT_TOKEN?.trim() ?? '';
  const appToken = env.SLACK_APP_TOKEN?.trim() ?? '';
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim() ?? '';
  if (!botToken && !appToken && !signingSecret) return { configured: false };
  const issues: ConfigIssue[] = [];
  if (!botToken) {
    issues.push({
      path: 'SLACK_BOT_TOKEN',
      message: 'missing: Slack needs the bot token',
      fix: 'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions on api.slack.com/apps',
    });
  } else if (!botToken.startsWith('xoxb-')) {
    issues.push({
      path: 'SLACK_BOT_TOKEN',
      message: 'expected a bot token starting with xoxb-',
      fix: 'use the Bot User OAuth Token from OAuth & Permissions, not a user (xoxp-) or app (xapp-) token',
    });
  }
  if (appToken && !appToken.startsWith('xapp-')) {
    issues.push({
      path: 'SLACK_APP_TOKEN',
      message: 'expected an app-level token starting with xapp-',
      fix: 'create an app-level token with the connections:write scope under Basic Information → App-Level Tokens',
    });
  }
  if (!appToken && !signingSecret) {
    issues.push({
      path: 'SLACK_APP_TOKEN',
      message: 'neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (Events API) is set',
      fix: 'set SLACK_APP_TOKEN=xapp-… for Socket Mode, or SLACK_SIGNING_SECRET from Basic Information for the Events API',
    });
  }
  const requireMention = readBoolean(extra.require_mention);
  if (requireMention === 'bad') {
    issues.push({
      path: `${EXTRA}.require_mention`,
      message: `expected true or false, got ${JSON.stringify(extra.require_mention)}`,
      fix: 'write require_mention: false to answer every channel message, or remove the key',
    });
  }
  if (issues.length > 0) return { configured: true, issues };
  return {
    configured: true,
    options: {
      botToken,
      ...(appToken ? { appToken } : {}),
      ...(signingSecret ? { signingSecret } : {}),
      ...(typeof requireMention === 'boolean' ? { requireMention } : {}),
    },
  };
}

/** The Slack platform. */
export const slackPlatform: PlatformDefinition<SlackOptions> = {
  name: SLACK_PLATFORM,
  title: 'Slack',
  variables: [
    {
      name: 'SLACK_BOT_TOKEN',
      description: 'Bot User OAuth Token (xoxb-…) from OAuth & Permissions on api.slack.com/apps',
      secret: true,
      required: true,
    },
    {
      name: 'SLACK_APP_TOKEN',
      description:
        'App-level token (xapp-…, scope connections:write) from Basic Information: turns on Socket Mode',
      secret: true,
    },
    {
      name: 'SLACK_SIGNING_SECRET',
      description: `Signing secret from Basic Information: the Events API at ${SLACK_EVENTS_PATH} (when there is no app token)`,
      secret: true,
    },
    {
      name: 'SLACK_EVENTS_PORT',
      description:
        'Events API: port of the shared HTTP ingress, the same setting as gateway.http.port (default 8443)',
    },
    {
      name: 'SLACK_EVENTS_HOST',
      description:
        'Events API: interface of the shared HTTP ingress, the same setting as gateway.http.host (default 127.0.0.1)',
    },
    {
      name: 'SLACK_ALLOWED_USERS',
      description: 'Slack member ids (U…) allowed to talk to the agent, comma-separated',
    },
  ],
  read: readSlackOptions,
  create: (options, services) =>
    new SlackAdapter(services?.http ? { ...options, http: services.http } : options),
};
