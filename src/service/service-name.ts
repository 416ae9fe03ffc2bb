/**
 * Service names per Hermes home: the default home (`~/.hermes`) is
 * `hermes-gateway.service` / `ai.hermes.gateway`; any other home gets a suffix
 * made of its folder name and a short hash of its absolute path, so several
 * installs on one machine never share a service.
 */
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';

/** Name of the systemd unit of the default home, without `.service`. */
export const SYSTEMD_BASE_NAME = 'hermes-gateway';

/** launchd label of the default home. */
export const LAUNCHD_BASE_LABEL = 'ai.hermes.gateway';

/** The names of one home's service. */
export interface ServiceNames {
  /** Undefined for the default home, else e.g. `work-3f2a1c`. */
  suffix: string | undefined;
  /** systemd unit file name, e.g. `hermes-gateway-work-3f2a1c.service`. */
  unit: string;
  /** launchd label, e.g. `ai.hermes.gateway-work-3f2a1c`. */
  label: string;
}

/** Longest folder-name part of a suffix. */
const MAX_SLUG = 24;

/**
 * The suffix of a non-default home: its folder name in lower case with every run
 * of other characters than `a-z0-9` turned into `-` (a leading `.` and `hermes-`
 * dropped), then 6 hex digits of the SHA-256 of the absolute path. Stable for a
 * path, safe in systemd unit names and launchd labels.
 *
 * @example
 * homeSuffix('/home/ann/.hermes-work', '/home/ann/.hermes') // 'work-<6 hex>'
 * homeSuffix('/home/ann/.hermes', '/home/ann/.hermes')      // undefined
 */
export function homeSuffix(home: string, defaultHome: string): string | undefined {
  const path = resolve(home);
  if (path === resolve(defaultHome)) return undefined;
  const words = basename(path)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const withoutPrefix = words.replace(/^hermes-/, '');
  const slug = (withoutPrefix || words || 'home').slice(0, MAX_SLUG).replace(/-+$/, '');
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 6);
  return `${slug}-${hash}`;
}

/**
 * The unit name and launchd label of `home`.
 *
 * @param userHome the user's own folder; `<userHome>/.hermes` is the default home
 */
export function serviceNames(home: string, userHome: string): ServiceNames {
  const suffix = homeSuffix(home, join(userHome, '.hermes'));
  const tail = suffix ? `-${suffix}` : '';
  return { suffix, unit: `${SYSTEMD_BASE_NAME}${tail}.service`, label: `${LAUNCHD_BASE_LABEL}${tail}` };
}
