import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configIssues, issueAt, tempHome } from './temp-home.ts';

const KEY = 'k'.repeat(24);

describe('environment overrides', () => {
  it('sets each documented key from its variable', () => {
    const config = loadConfig({
      home: tempHome(),
      env: {
        HERMES_AGENT_BACKEND: 'exec',
        HERMES_MODEL: 'gpt-4.1-mini',
        OPENAI_BASE_URL: 'http://127.0.0.1:4000/v1',
        OPENAI_API_KEY: 'sk-env',
        HERMES_AGENT_COMMAND: 'my-agent --stdio',
        API_SERVER_ENABLED: 'true',
        API_SERVER_HOST: '0.0.0.0',
        API_SERVER_PORT: '9001',
        API_SERVER_KEY: KEY,
        HERMES_LOG_LEVEL: 'warn',
      },
    });
    expect(config.agent).toMatchObject({
      backend: 'exec',
      model: 'gpt-4.1-mini',
      base_url: 'http://127.0.0.1:4000/v1',
      api_key: 'sk-env',
      command: 'my-agent --stdio',
    });
    expect(config.api_server).toMatchObject({ enabled: true, host: '0.0.0.0', port: 9001, key: KEY });
    expect(config.logging.level).toBe('warn');
  });

  it('lets the environment win over the file', () => {
    const home = tempHome(
      `agent:\n  model: from-file\napi_server:\n  port: 7000\n  host: 10.0.0.1\nlogging:\n  level: error\n`,
    );
    const config = loadConfig({
      home,
      env: { HERMES_MODEL: 'from-env', API_SERVER_PORT: '7001', HERMES_LOG_LEVEL: 'debug' },
    });
    expect(config.agent.model).toBe('from-env');
    expect(config.api_server.port).toBe(7001);
    expect(config.logging.level).toBe('debug');
    // Keys the environment does not set keep the file's value.
    expect(config.api_server.host).toBe('10.0.0.1');
  });

  it('ignores empty variables', () => {
    const home = tempHome('agent:\n  model: from-file\n');
    expect(loadConfig({ home, env: { HERMES_MODEL: '', API_SERVER_PORT: '' } }).agent.model).toBe(
      'from-file',
    );
  });

  it.each([
    ['true', true],
    ['1', true],
    ['TRUE', true],
    ['false', false],
    ['0', false],
  ])('reads API_SERVER_ENABLED=%s as %s', (text, enabled) => {
    const config = loadConfig({ home: tempHome(), env: { API_SERVER_ENABLED: text, API_SERVER_KEY: KEY } });
    expect(config.api_server.enabled).toBe(enabled);
  });

  it('can turn off an API server the file enables', () => {
    const home = tempHome('api_server:\n  enabled: true\n');
    expect(loadConfig({ home, env: { API_SERVER_ENABLED: 'false' } }).api_server.enabled).toBe(false);
  });

  it('names the variable and the key when API_SERVER_ENABLED is not a boolean', () => {
    const issues = configIssues(() => loadConfig({ home: tempHome(), env: { API_SERVER_ENABLED: 'maybe' } }));
    const issue = issueAt(issues, 'API_SERVER_ENABLED (api_server.enabled)');
    expect(issue.message).toContain('"maybe"');
    expect(issue.fix).toContain('API_SERVER_ENABLED=true');
  });

  it('names the variable and the key when API_SERVER_PORT is not a number', () => {
    const issues = configIssues(() => loadConfig({ home: tempHome(), env: { API_SERVER_PORT: 'eighty' } }));
    const issue = issueAt(issues, 'API_SERVER_PORT (api_server.port)');
    expect(issue.message).toContain('expected a number');
    expect(issue.fix).toBe('set API_SERVER_PORT to a number such as 8642');
  });

  it('names the variable when API_SERVER_PORT is out of range', () => {
    const issues = configIssues(() => loadConfig({ home: tempHome(), env: { API_SERVER_PORT: '70000' } }));
    expect(issueAt(issues, 'API_SERVER_PORT (api_server.port)').message).toContain('at most 65535');
  });

  it('names the variable and lists the choices when HERMES_AGENT_BACKEND is unknown', () => {
    const issues = configIssues(() =>
      loadConfig({ home: tempHome(), env: { HERMES_AGENT_BACKEND: 'opneai' } }),
    );
    const issue = issueAt(issues, 'HERMES_AGENT_BACKEND (agent.backend)');
    expect(issue.fix).toContain('use one of: echo, openai, exec');
    expect(issue.fix).toContain('did you mean "openai"');
  });

  it('names the variable when HERMES_LOG_LEVEL is unknown', () => {
    const issues = configIssues(() => loadConfig({ home: tempHome(), env: { HERMES_LOG_LEVEL: 'verbose' } }));
    expect(issueAt(issues, 'HERMES_LOG_LEVEL (logging.level)').fix).toBe(
      'use one of: trace, debug, info, warn, error, fatal',
    );
  });

  it('names the variable when OPENAI_BASE_URL is not a URL', () => {
    const issues = configIssues(() =>
      loadConfig({ home: tempHome(), env: { OPENAI_BASE_URL: 'localhost:4000' } }),
    );
    expect(issueAt(issues, 'OPENAI_BASE_URL (agent.base_url)').fix).toContain('https://api.openai.com/v1');
  });
});
