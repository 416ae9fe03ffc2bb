/**
 * `hermes gateway setup --platform <name>`: the same steps as the wizard
 * without a prompt, for scripts and provisioning. Credentials come from the
 * platform's variables in the environment or `--set NAME=value`; they are
 * checked with the platform's schema and live against its API, then saved.
 */
import { allowlistVariable } from '../../access/allowlist.ts';
import { PLATFORMS } from '../../adapters/platforms.ts';
import { ConfigError, type ConfigIssue } from '../../errors.ts';
import { ALLOWLIST_HINTS, allowlistProblem } from './credential-steps.ts';
import { liveCheck } from './live-check.ts';
import { saveSettings } from './save-settings.ts';
import { describeSaved } from './saved-summary.ts';
import { describeServiceOutcome, type ServiceRunner } from './service-command.ts';
import { candidateEnv, settingsIssues } from './settings-check.ts';

/** The flags of `hermes gateway setup`. */
export interface SetupFlags {
  platform?: string;
  /** `NAME=value` entries (repeatable `--set`). */
  set?: string[];
  allowedUsers?: string;
  dmPairing?: string;
  /** False with `--no-check`: save without the live check. */
  check?: boolean;
  service?: string;
  list?: boolean;
}

/** What the non-interactive setup needs. */
export interface NonInteractiveDeps {
  home: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  runService: ServiceRunner;
}

const refuse = (path: string, message: string, fix: string): never => {
  throw new ConfigError([{ path, message, fix }]);
};

/** The variables to save: the platform's variables found in the environment, then `--set` entries. */
function gatherValues(
  flags: SetupFlags,
  env: NodeJS.ProcessEnv,
  names: readonly string[],
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value?.trim()) values[name] = value;
  }
  for (const entry of flags.set ?? []) {
    const at = entry.indexOf('=');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    if (!name) refuse('--set', `"${entry.split('=')[0]}" is not NAME=value`, 'write --set NAME=value');
    if (!names.includes(name)) {
      refuse(
        '--set',
        `${name} is not a variable of --platform ${flags.platform}`,
        `use one of ${names.join(', ')}`,
      );
    }
    values[name] = entry.slice(at + 1);
  }
  return values;
}

/**
 * Runs setup for `flags.platform` and resolves with the exit code.
 *
 * @throws ConfigError naming the variable and the fix when a value is invalid or refused by the platform.
 */
export async function runNonInteractiveSetup(flags: SetupFlags, deps: NonInteractiveDeps): Promise<number> {
  const platform = PLATFORMS.find((p) => p.name === flags.platform?.trim().toLowerCase());
  if (!platform) {
    return refuse(
      '--platform',
      `unknown platform "${flags.platform}"`,
      `use one of ${PLATFORMS.map((p) => p.name).join(', ')}`,
    );
  }
  const allowlist = allowlistVariable(platform.name);
  const names = [...new Set([...platform.variables.map((v) => v.name), allowlist])];
  const values = gatherValues(flags, deps.env, names);
  if (flags.allowedUsers !== undefined) values[allowlist] = flags.allowedUsers;
  const wrongEntries = values[allowlist] && allowlistProblem(platform.name, values[allowlist]);
  if (wrongEntries)
    refuse(allowlist, wrongEntries, `list ${ALLOWLIST_HINTS[platform.name]}, comma-separated`);
  if (platform.name === 'whatsapp') values.WHATSAPP_ENABLED ??= 'true';
  const dmPairing = flags.dmPairing?.trim().toLowerCase();
  if (dmPairing !== undefined && dmPairing !== 'pair' && dmPairing !== 'ignore') {
    refuse(
      '--dm-pairing',
      `"${flags.dmPairing}" is not pair or ignore`,
      'write --dm-pairing pair or --dm-pairing ignore',
    );
  }
  const service = flags.service?.trim().toLowerCase() ?? 'none';
  if (!['install', 'restart', 'none'].includes(service)) {
    refuse('--service', `"${flags.service}" is not install, restart or none`, 'write --service restart');
  }
  const issues: ConfigIssue[] = settingsIssues(platform, deps.home, deps.env, values);
  if (issues.length > 0) throw new ConfigError(issues);
  if (flags.check !== false) {
    const checked = await liveCheck(platform, candidateEnv(deps.home, deps.env, values), deps.home);
    if (!checked.ok) throw new ConfigError([checked.issue]);
    if (checked.account) deps.stdout(`${platform.title} accepted the credentials: ${checked.account}\n`);
  }
  const saved = saveSettings(deps.home, {
    platform: platform.name,
    variables: values,
    ...(dmPairing ? { dmPairing: dmPairing as 'pair' | 'ignore' } : {}),
  });
  deps.stdout(`${describeSaved(saved, values, deps.env)}\n`);
  if (platform.name === 'whatsapp') deps.stdout('Link the device with: hermes gateway setup whatsapp\n');
  if (service === 'none') return 0;
  const outcome = await deps.runService(service as 'install' | 'restart');
  deps.stdout(`${describeServiceOutcome(outcome)}\n`);
  return outcome.result === 'failed' ? 1 : 0;
}
