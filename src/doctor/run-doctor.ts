/**
 * `hermes doctor`: runs every check on a Hermes home and formats the report.
 * Nothing is changed; each problem comes with what to fix.
 */
import { DEFAULT_CONFIG } from '../config/schema.ts';
import type { CheckResult, CheckStatus } from './check-result.ts';
import { checkConfig } from './config-validity.ts';
import { checkDatabaseIntegrity } from './database-integrity.ts';
import { checkDiskSpace } from './disk-space.ts';
import { checkHomePermissions } from './home-permissions.ts';
import { checkNodeVersion } from './node-version.ts';
import { checkPlatformCredentials, readPlatforms } from './platform-credentials.ts';
import { checkPorts } from './port-availability.ts';

/** What the checks look at. */
export interface DoctorInput {
  /** The Hermes home (`resolveHome(env)`). */
  home: string;
  /** The environment the gateway would read. */
  env: NodeJS.ProcessEnv;
}

/** Runs every check, in the order they are printed. */
export async function runDoctor({ home, env }: DoctorInput): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkNodeVersion(), checkHomePermissions(home)];
  const { results: configResults, config } = checkConfig(home, env);
  results.push(...configResults);
  // with an invalid config.yaml the platforms are still read from the environment
  const platforms = readPlatforms(config ?? DEFAULT_CONFIG, env, home);
  const [credentials, ports, disk] = await Promise.all([
    checkPlatformCredentials(platforms, home, env),
    config
      ? checkPorts(config, platforms.configured, home)
      : Promise.resolve<CheckResult[]>([
          {
            name: 'Ports',
            status: 'warn',
            message: 'not checked: the configuration is invalid',
            fix: 'fix the configuration first',
          },
        ]),
    checkDiskSpace(home),
  ]);
  results.push(...credentials, ...ports, disk, checkDatabaseIntegrity(home));
  return results;
}

const ICONS: Record<CheckStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌' };

/** The report for a person: one line per check, its fix indented below. */
export function formatDoctorReport(home: string, results: readonly CheckResult[]): string {
  const lines = [`hermes doctor: ${home}`, ''];
  for (const r of results) {
    lines.push(`${ICONS[r.status]} ${r.name}: ${r.message}`);
    if (r.fix) lines.push(`   fix: ${r.fix}`);
  }
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  lines.push('', `${count('ok')} ok, ${count('warn')} warning(s), ${count('fail')} problem(s)`);
  return `${lines.join('\n')}\n`;
}

/** 1 when any check failed, else 0. */
export function doctorExitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
