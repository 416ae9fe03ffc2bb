import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigError } from '../../src/errors.ts';
import { configIssues, issueAt, tempHome } from './temp-home.ts';

function problemsIn(yaml: string) {
  return configIssues(() => loadConfig({ home: tempHome(yaml), env: {} }));
}

describe('configuration problems name the key and the fix', () => {
  it('throws a coded ConfigError whose message lists the key, the problem and the fix', () => {
    let caught: unknown;
    try {
      loadConfig({ home: tempHome('api_server:\n  port: abc\n'), env: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe('GATEWAY_ERR_CONFIG');
    expect(error.message).toContain('api_server.port: expected a number but got the text "abc"');
    expect(error.message).toContain('Fix: set it to a number such as 8642');
  });

  it('explains a text where a number belongs, with the line in config.yaml', () => {
    const issue = issueAt(problemsIn('agent:\n  model: gpt\napi_server:\n  port: abc\n'), 'api_server.port');
    expect(issue.message).toBe('expected a number but got the text "abc" (config.yaml line 4)');
    expect(issue.fix).toBe('set it to a number such as 8642');
  });

  it('explains a fraction where a whole number belongs', () => {
    const issue = issueAt(problemsIn('agent:\n  max_tool_rounds: 2.5\n'), 'agent.max_tool_rounds');
    expect(issue.message).toContain('expected a whole number but got number 2.5');
    expect(issue.fix).toBe('set it to a whole number such as 8');
  });

  it('explains a bad media limit (gateway.media) with its key and the fix', () => {
    const problems = problemsIn('gateway:\n  media:\n    max_bytes: 0\n    retention_days: week\n');
    expect(issueAt(problems, 'gateway.media.max_bytes').message).toBe(
      'must be at least 1 (config.yaml line 3)',
    );
    expect(issueAt(problems, 'gateway.media.retention_days').message).toContain(
      'expected a number but got the text "week"',
    );
    expect(issueAt(problems, 'gateway.media.retention_days').fix).toBe('set it to a number such as 7');
  });

  it('explains a non-boolean switch', () => {
    const issue = issueAt(
      problemsIn('agent:\n  terminal:\n    enabled: sometimes\n'),
      'agent.terminal.enabled',
    );
    expect(issue.message).toContain('expected true or false but got the text "sometimes"');
    expect(issue.fix).toBe('set it to true or false');
  });

  it('explains a number where text belongs', () => {
    const issue = issueAt(problemsIn('agent:\n  model: 4\n'), 'agent.model');
    expect(issue.message).toContain('expected text but got number 4');
    expect(issue.fix).toContain('"gpt-4o-mini"');
  });

  it('explains a value where a section belongs', () => {
    const issue = issueAt(problemsIn('api_server: yes\n'), 'api_server');
    expect(issue.message).toContain('expected a section of keys');
    expect(issue.fix).toContain('indented below it');
  });

  it('explains a platform written as a value instead of a section', () => {
    const issue = issueAt(
      problemsIn('gateway:\n  platforms:\n    telegram: 123\n'),
      'gateway.platforms.telegram',
    );
    expect(issue.message).toContain('expected a section of keys but got number 123');
    expect(issue.fix).toContain('"telegram: {}"');
  });

  it('lists the accepted values of a choice', () => {
    const issue = issueAt(problemsIn('agent:\n  backend: claude\n'), 'agent.backend');
    expect(issue.message).toContain('"claude" is not one of the accepted values');
    expect(issue.fix).toBe('use one of: echo, openai, exec');
  });

  it('suggests the closest choice for a misspelt value', () => {
    const issue = issueAt(problemsIn('logging:\n  level: inof\n'), 'logging.level');
    expect(issue.fix).toBe('use one of: trace, debug, info, warn, error, fatal (did you mean "info"?)');
  });

  it('reports an unknown key, suggests the near miss and lists the known keys', () => {
    const issue = issueAt(problemsIn('api_sever:\n  enabled: true\n'), 'api_sever');
    expect(issue.message).toBe('is not a known key (config.yaml line 1)');
    expect(issue.fix).toContain('did you mean "api_server"?');
    expect(issue.fix).toContain(
      'remove it (known keys here: agent, api_server, sessions, gateway, logging, display, session_reset, onboarding, providers, personalities, toolsets, mcp_servers, skills, operator, checkpoints, update)',
    );
  });

  it("reports an unknown key inside a section with that section's known keys", () => {
    const issue = issueAt(problemsIn('agent:\n  modle: gpt-4.1\n'), 'agent.modle');
    expect(issue.fix).toContain('did you mean "model"?');
    expect(issue.fix).toContain('known keys here: backend, model, base_url');
  });

  it('reports an unknown key with nothing close by asking to remove it', () => {
    const issue = issueAt(problemsIn('sessions:\n  colour: blue\n'), 'sessions.colour');
    expect(issue.fix).toBe('remove it (known keys here: passivate_after_seconds, auto_resume_window_hours)');
  });

  it('reports an unknown key even when it has no value', () => {
    expect(issueAt(problemsIn('telegram:\n'), 'telegram').message).toContain('is not a known key');
  });

  it('explains numbers below their minimum', () => {
    const zero = issueAt(problemsIn('agent:\n  timeout_seconds: 0\n'), 'agent.timeout_seconds');
    expect(zero.message).toBe('must be greater than 0 (config.yaml line 2)');
    expect(zero.fix).toBe('set it to a number greater than 0, such as 600');
    const negative = issueAt(
      problemsIn('gateway:\n  drain_timeout_seconds: -1\n'),
      'gateway.drain_timeout_seconds',
    );
    expect(negative.message).toContain('must be at least 0');
  });

  it('explains a port above 65535', () => {
    const issue = issueAt(problemsIn('api_server:\n  port: 99999\n'), 'api_server.port');
    expect(issue.message).toContain('must be at most 65535');
    expect(issue.fix).toBe('set it to a number at most 65535, such as 8642');
  });

  it('explains an empty text', () => {
    const issue = issueAt(problemsIn('api_server:\n  host: ""\n'), 'api_server.host');
    expect(issue.message).toContain('must not be empty');
    expect(issue.fix).toContain('remove the line to use the default');
  });

  it('explains a base URL that is not an http(s) URL', () => {
    const issue = issueAt(problemsIn('agent:\n  base_url: ftp://models.example\n'), 'agent.base_url');
    expect(issue.message).toContain('is not a valid http(s) URL');
    expect(issue.fix).toBe('set it to a full URL such as https://api.openai.com/v1');
  });

  it('reports every problem at once', () => {
    const issues = problemsIn(
      'agent:\n  backend: nope\napi_server:\n  port: abc\n  enabled: 3\nloging:\n  level: info\nsessions:\n  passivate_after_seconds: -5\n',
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'agent.backend',
      'api_server.enabled',
      'api_server.port',
      'loging',
      'sessions.passivate_after_seconds',
    ]);
    for (const issue of issues) {
      expect(issue.message.length).toBeGreaterThan(0);
      expect(issue.fix.length).toBeGreaterThan(0);
    }
  });

  it('refuses a file whose top level is not a mapping', () => {
    const issue = issueAt(problemsIn('- agent\n- api_server\n'), 'config.yaml');
    expect(issue.message).toContain('must be a mapping of sections');
    expect(issue.fix).toContain('api_server:');
  });

  it('refuses a config.yaml that cannot be read as a file', () => {
    const home = tempHome();
    mkdirSync(join(home, 'config.yaml'));
    const issues = configIssues(() => loadConfig({ home, env: {} }));
    const issue = issueAt(issues, 'config.yaml');
    expect(issue.message).toContain('cannot be read');
    expect(issue.fix).toContain(join(home, 'config.yaml'));
  });
});
