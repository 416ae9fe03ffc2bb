import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { GatewayConfigSchema } from '../../src/config/schema.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { configIssues, issueAt, tempHome } from './temp-home.ts';

describe('rules that span several keys', () => {
  it('refuses the exec backend without a command, saying how to set one', () => {
    const issues = configIssues(() => loadConfig({ home: tempHome('agent:\n  backend: exec\n'), env: {} }));
    const issue = issueAt(issues, 'agent.command');
    expect(issue.message).toBe('is required when agent.backend is exec');
    expect(issue.fix).toContain('HERMES_AGENT_COMMAND');
    expect(issue.fix).toContain('agent.command');
  });

  it('accepts the exec backend with a command from the environment', () => {
    const config = loadConfig({
      home: tempHome('agent:\n  backend: exec\n'),
      env: { HERMES_AGENT_COMMAND: 'my-agent --json' },
    });
    expect(config.agent.command).toBe('my-agent --json');
  });

  it('refuses an enabled API server without a key, naming the key and how to set it', () => {
    const issues = configIssues(() =>
      loadConfig({ home: tempHome('api_server:\n  enabled: true\n'), env: {} }),
    );
    const issue = issueAt(issues, 'api_server.key');
    expect(issue.message).toContain('is missing');
    expect(issue.fix).toContain('API_SERVER_KEY');
    expect(issue.fix).toContain('at least 16 characters');
  });

  it('refuses an API key shorter than 16 characters', () => {
    const home = tempHome('api_server:\n  enabled: true\n  key: short-key\n');
    const issue = issueAt(
      configIssues(() => loadConfig({ home, env: {} })),
      'api_server.key',
    );
    expect(issue.message).toBe('is 9 characters long; the API server needs at least 16 (config.yaml line 3)');
    expect(issue.fix).toContain('API_SERVER_KEY');
  });

  it('names API_SERVER_KEY when the short key came from the environment', () => {
    const issues = configIssues(() =>
      loadConfig({ home: tempHome(), env: { API_SERVER_ENABLED: '1', API_SERVER_KEY: 'abc' } }),
    );
    expect(issueAt(issues, 'API_SERVER_KEY (api_server.key)').message).toContain('is 3 characters long');
  });

  it('accepts a key of exactly 16 characters, and any key while the server is off', () => {
    const key = '0123456789abcdef';
    expect(
      loadConfig({ home: tempHome(), env: { API_SERVER_ENABLED: '1', API_SERVER_KEY: key } }).api_server.key,
    ).toBe(key);
    expect(loadConfig({ home: tempHome('api_server:\n  key: x\n'), env: {} }).api_server.enabled).toBe(false);
  });

  it('reports the cross-field problems together with the other problems', () => {
    const issues = configIssues(() =>
      loadConfig({
        home: tempHome('agent:\n  backend: exec\napi_server:\n  enabled: true\n  port: x\n'),
        env: {},
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'agent.command',
      'api_server.key',
      'api_server.port',
    ]);
  });

  it('applies the same rules to a configuration object given by an embedding app', () => {
    expect(GatewayConfigSchema.safeParse({ agent: { backend: 'exec' } }).success).toBe(false);
    const issues = configIssues(() => validateConfig({ api_server: { enabled: true, key: 'tiny' } }));
    expect(issueAt(issues, 'api_server.key').message).toContain('is 4 characters long');
    expect(validateConfig({ api_server: { port: 0 } }).api_server.port).toBe(0);
  });
});
