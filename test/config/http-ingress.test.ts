/**
 * `gateway.http`: the one HTTP ingress of the webhook platforms. Loopback on
 * 8443 by default; HERMES_HTTP_HOST / HERMES_HTTP_PORT override the file, and
 * the platforms' older variables (TELEGRAM_WEBHOOK_PORT / _HOST in webhook
 * mode, SLACK_EVENTS_PORT / _HOST for the Events API) now set the same keys;
 * two of them that disagree are refused naming both and the fix.
 */
import { describe, expect, it } from 'vitest';
import { legacyIngressVariables } from '../../src/config/env-overrides.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { configIssues, issueAt, tempHome } from './temp-home.ts';

const TELEGRAM = { TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram' };
const SLACK_EVENTS = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

describe('gateway.http', () => {
  it('listens on 127.0.0.1:8443 by default, with a body limit and a rate limit', () => {
    expect(loadConfig({ home: tempHome(), env: {} }).gateway.http).toEqual({
      host: '127.0.0.1',
      port: 8443,
      body_limit_bytes: 1_048_576,
      rate_limit_per_minute: 1200,
      trust_proxy: false,
    });
  });

  it('reads the file, and HERMES_HTTP_HOST / HERMES_HTTP_PORT win over it', () => {
    const home = tempHome(
      'gateway:\n  http:\n    host: 0.0.0.0\n    port: 9000\n    rate_limit_per_minute: 0\n',
    );
    expect(loadConfig({ home, env: {} }).gateway.http).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(
      loadConfig({ home, env: { HERMES_HTTP_HOST: '10.0.0.2', HERMES_HTTP_PORT: '9100' } }).gateway.http,
    ).toMatchObject({ host: '10.0.0.2', port: 9100, rate_limit_per_minute: 0 });
  });

  it("takes Telegram's webhook port and host (webhook mode only) as the ingress's", () => {
    const env = { ...TELEGRAM, TELEGRAM_WEBHOOK_PORT: '8088', TELEGRAM_WEBHOOK_HOST: '0.0.0.0' };
    expect(loadConfig({ home: tempHome(), env }).gateway.http).toMatchObject({ host: '0.0.0.0', port: 8088 });
    expect(legacyIngressVariables(env).map((v) => `${v.variable} → ${v.key}`)).toEqual([
      'TELEGRAM_WEBHOOK_HOST → gateway.http.host',
      'TELEGRAM_WEBHOOK_PORT → gateway.http.port',
    ]);
    // long polling: the webhook variables mean nothing
    const polling = { TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_PORT: '8088' };
    expect(loadConfig({ home: tempHome(), env: polling }).gateway.http.port).toBe(8443);
  });

  it("takes the Events API's port (not in Socket Mode); HERMES_HTTP_PORT wins over it", () => {
    const env = { ...SLACK_EVENTS, SLACK_EVENTS_PORT: '3000' };
    expect(loadConfig({ home: tempHome(), env }).gateway.http.port).toBe(3000);
    expect(
      loadConfig({ home: tempHome(), env: { ...env, HERMES_HTTP_PORT: '8444' } }).gateway.http.port,
    ).toBe(8444);
    expect(legacyIngressVariables({ ...env, HERMES_HTTP_PORT: '8444' })).toEqual([
      {
        variable: 'SLACK_EVENTS_PORT',
        key: 'gateway.http.port',
        why: "Slack's Events API",
        overriddenBy: 'HERMES_HTTP_PORT',
      },
    ]);
    const socket = { ...env, SLACK_APP_TOKEN: 'xapp-1' };
    expect(loadConfig({ home: tempHome(), env: socket }).gateway.http.port).toBe(8443);
  });

  it('refuses two platform ports that disagree, naming both and the fix; the same port is fine', () => {
    const env = { ...TELEGRAM, ...SLACK_EVENTS, TELEGRAM_WEBHOOK_PORT: '8443', SLACK_EVENTS_PORT: '3000' };
    const issue = issueAt(
      configIssues(() => loadConfig({ home: tempHome(), env })),
      'SLACK_EVENTS_PORT (gateway.http.port)',
    );
    expect(issue.message).toMatch(
      /SLACK_EVENTS_PORT=3000 and TELEGRAM_WEBHOOK_PORT=8443 both set gateway\.http\.port/,
    );
    expect(issue.fix).toMatch(/set gateway\.http\.port in config\.yaml \(or HERMES_HTTP_PORT\) once/);
    const same = { ...env, SLACK_EVENTS_PORT: '8443' };
    expect(loadConfig({ home: tempHome(), env: same }).gateway.http.port).toBe(8443);
  });

  it('names the variable and the key for a port that is not a number', () => {
    const issues = configIssues(() =>
      loadConfig({ home: tempHome(), env: { ...TELEGRAM, TELEGRAM_WEBHOOK_PORT: 'eighty' } }),
    );
    expect(issueAt(issues, 'TELEGRAM_WEBHOOK_PORT (gateway.http.port)').fix).toMatch(/TELEGRAM_WEBHOOK_PORT/);
    const file = configIssues(() =>
      loadConfig({ home: tempHome('gateway:\n  http:\n    port: 70000\n'), env: {} }),
    );
    expect(issueAt(file, 'gateway.http.port').message).toMatch(/65535/);
  });
});
