import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { writeStarterConfig } from '../../src/config/starter-config.ts';
import { tempHome } from './temp-home.ts';

describe('the starter config.yaml', () => {
  it('is written on the first run with the echo agent and a keyed API server on 127.0.0.1:8642', () => {
    const home = tempHome();
    const written = writeStarterConfig(home);
    expect(written?.path).toBe(join(home, 'config.yaml'));
    expect(written?.apiKey.length).toBeGreaterThanOrEqual(32);

    const config = loadConfig({ home, env: {} });
    expect(config.agent.backend).toBe('echo');
    expect(config.api_server).toMatchObject({
      enabled: true,
      host: '127.0.0.1',
      port: 8642,
      key: written?.apiKey,
    });
  });

  it('is readable by its owner only, since it holds the key', () => {
    const home = tempHome();
    const written = writeStarterConfig(home);
    expect(statSync(written?.path ?? '').mode & 0o777).toBe(0o600);
  });

  it('explains itself with comments', () => {
    const home = tempHome();
    const text = readFileSync(writeStarterConfig(home)?.path ?? '', 'utf8');
    expect(text).toMatch(/^# /m);
    expect(text).toContain('API_SERVER_KEY');
  });

  it('gets a different key on every install', () => {
    expect(writeStarterConfig(tempHome())?.apiKey).not.toBe(writeStarterConfig(tempHome())?.apiKey);
  });

  it('is written only once and never overwrites an existing config', () => {
    const home = tempHome();
    const first = writeStarterConfig(home);
    const before = readFileSync(first?.path ?? '', 'utf8');
    expect(writeStarterConfig(home)).toBeUndefined();
    expect(readFileSync(first?.path ?? '', 'utf8')).toBe(before);

    const own = tempHome();
    writeFileSync(join(own, 'config.yaml'), 'agent:\n  backend: openai\n');
    expect(writeStarterConfig(own)).toBeUndefined();
    expect(readFileSync(join(own, 'config.yaml'), 'utf8')).toBe('agent:\n  backend: openai\n');
  });
});
