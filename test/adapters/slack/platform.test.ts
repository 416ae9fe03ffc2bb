/**
 * Reading Slack's settings: SLACK_BOT_TOKEN turns Slack on, SLACK_APP_TOKEN
 * selects Socket Mode and wins over SLACK_SIGNING_SECRET, the Events API
 * mounts on the gateway's HTTP ingress (SLACK_EVENTS_PORT / _HOST set
 * gateway.http, see test/config/env-overrides.test.ts), and wrong values are
 * refused naming the variable and the fix.
 */
import { describe, expect, it } from 'vitest';
import { type SlackAdapter, slackPlatform } from '../../../src/adapters/slack/index.ts';
import { createIngress } from '../../../src/http/index.ts';

const silentLog = { info() {}, warn() {}, error() {}, debug() {} };

function read(env: Record<string, string>, extra: Record<string, unknown> = {}) {
  return slackPlatform.read({ env, extra, home: '/tmp/hermes-test' });
}

describe('slack: platform definition', () => {
  it('is not configured without any Slack variable', () => {
    expect(read({})).toEqual({ configured: false });
  });

  it('selects Socket Mode when there is an app token, even with a signing secret', () => {
    const result = read({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 's' });
    expect(result).toMatchObject({ configured: true, options: { botToken: 'xoxb-1', appToken: 'xapp-1' } });
    if (!('options' in result)) throw new Error('expected options');
    expect((slackPlatform.create(result.options) as SlackAdapter).mode).toBe('socket');
  });

  it('selects the Events API with a signing secret and mounts /slack/events on the shared ingress', () => {
    const result = read({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_EVENTS_PORT: '8080',
    });
    expect(result).toEqual({ configured: true, options: { botToken: 'xoxb-1', signingSecret: 'secret' } });
    if (!('options' in result)) throw new Error('expected options');
    const http = createIngress({ host: '127.0.0.1', port: 0, log: silentLog });
    expect((slackPlatform.create(result.options, { http }) as SlackAdapter).mode).toBe('events-api');
    expect(http.routes().map((r) => r.id)).toEqual(['slack POST /slack/events']);
  });

  it('reads require_mention from extra', () => {
    expect(
      read({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, { require_mention: false }),
    ).toMatchObject({
      options: { requireMention: false },
    });
    expect(
      read({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, { require_mention: 'sometimes' }),
    ).toMatchObject({
      issues: [{ path: 'gateway.platforms.slack.extra.require_mention' }],
    });
  });

  it('names the variable and the fix for wrong values', () => {
    const paths = (env: Record<string, string>) => {
      const result = read(env);
      return 'issues' in result ? result.issues.map((i) => i.path) : [];
    };
    expect(paths({ SLACK_APP_TOKEN: 'xapp-1' })).toEqual(['SLACK_BOT_TOKEN']);
    expect(paths({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_APP_TOKEN: 'xapp-1' })).toEqual(['SLACK_BOT_TOKEN']);
    expect(paths({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' })).toEqual(['SLACK_APP_TOKEN']);
    expect(paths({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual(['SLACK_APP_TOKEN']);
    const result = read({ SLACK_BOT_TOKEN: 'xoxb-1' });
    if (!('issues' in result)) throw new Error('expected issues');
    expect(result.issues[0]?.fix).toMatch(/SLACK_APP_TOKEN=xapp-.*SLACK_SIGNING_SECRET/);
  });

  it('lists its variables with the secrets marked', () => {
    expect(slackPlatform.variables.filter((v) => v.secret).map((v) => v.name)).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_SIGNING_SECRET',
    ]);
    expect(slackPlatform.variables.filter((v) => v.required).map((v) => v.name)).toEqual(['SLACK_BOT_TOKEN']);
  });
});
