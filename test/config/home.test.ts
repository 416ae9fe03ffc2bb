import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureHome, resolveHome } from '../../src/config/home.ts';
import { GatewayError } from '../../src/errors.ts';
import { tempDir } from './temp-home.ts';

describe('the Hermes home folder', () => {
  it('is ~/.hermes unless HERMES_HOME says otherwise', () => {
    expect(resolveHome({})).toBe(join(homedir(), '.hermes'));
    expect(resolveHome({ HERMES_HOME: '' })).toBe(join(homedir(), '.hermes'));
    expect(resolveHome({ HERMES_HOME: '/srv/hermes-work' })).toBe('/srv/hermes-work');
  });

  it('expands ~/ and resolves relative HERMES_HOME paths', () => {
    expect(resolveHome({ HERMES_HOME: '~/bots/one' })).toBe(join(homedir(), 'bots/one'));
    expect(resolveHome({ HERMES_HOME: 'relative/home' })).toBe(resolve('relative/home'));
  });

  it('creates the home and its logs folder and leaves no probe file behind', () => {
    const home = join(tempDir(), 'nested', 'home');
    ensureHome(home);
    expect(statSync(home).isDirectory()).toBe(true);
    expect(statSync(join(home, 'logs')).isDirectory()).toBe(true);
    expect(readdirSync(home)).toEqual(['logs']);
    // Running it again on a ready home is fine.
    ensureHome(home);
  });

  it('refuses a home that cannot be created, naming the path, the reason and the fix', () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const home = join(blocker, 'home');
    let caught: unknown;
    try {
      ensureHome(home);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    const error = caught as GatewayError;
    expect(error.code).toBe('GATEWAY_ERR_HOME_UNWRITABLE');
    expect(error.message).toContain(home);
    expect(error.message).toContain('ENOTDIR');
    expect(error.message).toContain('HERMES_HOME');
    expect(error.details).toMatchObject({ path: home });
    expect(existsSync(home)).toBe(false);
  });

  it('refuses a home whose logs folder is blocked by a file', () => {
    const home = tempDir();
    writeFileSync(join(home, 'logs'), 'not a folder');
    expect(() => ensureHome(home)).toThrow(/logs/);
  });
});
