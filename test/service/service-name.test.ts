/**
 * One service per Hermes home: the default home keeps the plain names, every
 * other home gets a stable, readable suffix that systemd and launchd accept.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeSuffix, serviceNames } from '../../src/service/service-name.ts';

const USER = '/home/ann';

describe('service names per home', () => {
  it('the default home is hermes-gateway.service and ai.hermes.gateway', () => {
    expect(serviceNames(join(USER, '.hermes'), USER)).toEqual({
      suffix: undefined,
      unit: 'hermes-gateway.service',
      label: 'ai.hermes.gateway',
    });
    expect(serviceNames(`${USER}/.hermes/`, USER).suffix).toBeUndefined();
  });

  it('two other homes get two different names made of the folder name and a hash', () => {
    const work = serviceNames('/home/ann/.hermes-work', USER);
    const sales = serviceNames('/srv/bots/Sales Bot', USER);
    expect(work.unit).toMatch(/^hermes-gateway-work-[0-9a-f]{6}\.service$/);
    expect(work.label).toMatch(/^ai\.hermes\.gateway-work-[0-9a-f]{6}$/);
    expect(sales.unit).toMatch(/^hermes-gateway-sales-bot-[0-9a-f]{6}\.service$/);
    expect(work.unit).not.toBe(sales.unit);
  });

  it('the same folder name in two places still gives two names, and one path always the same', () => {
    const a = homeSuffix('/srv/a/.hermes', join(USER, '.hermes'));
    const b = homeSuffix('/srv/b/.hermes', join(USER, '.hermes'));
    expect(a).toMatch(/^hermes-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
    expect(homeSuffix('/srv/a/.hermes', join(USER, '.hermes'))).toBe(a);
  });

  it('suffixes are safe in unit names and labels whatever the folder is called', () => {
    for (const home of ['/x/ünïcode ✨', '/x/...', '/x/a%b$c"d', `/x/${'long'.repeat(30)}`]) {
      const suffix = homeSuffix(home, join(USER, '.hermes')) ?? '';
      expect(suffix, home).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(suffix.length, home).toBeLessThanOrEqual(31);
    }
  });
});
