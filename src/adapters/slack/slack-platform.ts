/**
 * How `hermes gateway` configures Slack: `SLACK_BOT_TOKEN` with either
 * `SLACK_APP_TOKEN` (Socket Mode) or `SLACK_SIGNING_SECRET` (the Events API on
 * the gateway's HTTP ingress); `gateway.platforms.slack.extra.require_mention`
 * decides whether channel messages must mention the bot.
 */
import { z } from 'zod';
import { booleanSetting, definePlatform, fromEnv, fromExtra } from '../kit/index.ts';
import { SlackAdapter } from './slack-adapter.ts';
import { SLACK_PLATFORM } from './slack-errors.ts';
import { SLACK_EVENTS_PATH, type SlackOptions } from './slack-options.ts';

/** Slack's settings: each from one variable or `extra` key, each with its fix. */
const fields = {
  botToken: fromEnv(
    'SLACK_BOT_TOKEN',
    z.string().startsWith('xoxb-', { error: 'expected a bot token starting with xoxb-' }),
    {
      description: 'Bot User OAuth Token (xoxb-…) from OAuth & Permissions on api.slack.com/apps',
      secret: true,
      required: true,
      fix: 'use the Bot User OAuth Token from OAuth & Permissions, not a user (xoxp-) or app (xapp-) token',
      missing: {
        message: 'missing: Slack needs the bot token',
        fix: 'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions on api.slack.com/apps',
      },
    },
  ),
  appToken: fromEnv(
    'SLACK_APP_TOKEN',
    z.string().startsWith('xapp-', { error: 'expected an app-level token starting with xapp-' }),
    {
      description:
        'App-level token (xapp-…, scope connections:write) from Basic Information: turns on Socket Mode',
      secret: true,
      fix: 'create an app-level token with the connections:write scope under Basic Information → App-Level Tokens',
    },
  ),
  signingSecret: fromEnv('SLACK_SIGNING_SECRET', z.string(), {
    description: `Signing secret from Basic Information: the Events API at ${SLACK_EVENTS_PATH} (when there is no app token)`,
    secret: true,
    fix: 'copy the Signing Secret from Basic Information on api.slack.com/apps',
  }),
  requireMention: fromExtra('require_mention', booleanSetting, {
    fix: 'write require_mention: false to answer every channel message, or remove the key',
  }),
};

/** The Slack platform for `hermes gateway`. */
export const slackPlatform = definePlatform({
  name: SLACK_PLATFORM,
  title: 'Slack',
  fields,
  configuredBy: ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'],
  check: (s, failed) =>
    !s.appToken && !s.signingSecret && !failed.has('appToken') && !failed.has('signingSecret')
      ? [
          {
            path: 'SLACK_APP_TOKEN',
            message: 'neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (Events API) is set',
            fix: 'set SLACK_APP_TOKEN=xapp-… for Socket Mode, or SLACK_SIGNING_SECRET from Basic Information for the Events API',
          },
        ]
      : [],
  moreVariables: [
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
  options: (s): SlackOptions => ({
    botToken: s.botToken as string,
    ...(s.appToken ? { appToken: s.appToken } : {}),
    ...(s.signingSecret ? { signingSecret: s.signingSecret } : {}),
    ...(s.requireMention !== undefined ? { requireMention: s.requireMention } : {}),
  }),
  create: (options, services) =>
    new SlackAdapter(services?.http ? { ...options, http: services.http } : options),
});

/**
 * Reads Slack's settings from the environment and `gateway.platforms.slack.extra`.
 *
 * @example
 * readSlackOptions({ env: process.env, extra: {}, home })
 */
export const readSlackOptions = slackPlatform.read;
