/**
 * `hermes gateway setup`: in a terminal, the setup wizard (`setup/wizard-flow.ts`);
 * with `--platform`, the same steps without prompts (`setup/non-interactive.ts`);
 * otherwise (or with `--list`) which platforms this home turns on and what each
 * needs. `hermes gateway setup whatsapp` links WhatsApp as a device, showing the
 * QR code (or the pairing code) in the terminal.
 */
import type { Command } from 'commander';
import { PLATFORMS } from '../adapters/platforms.ts';
import { resolveHome } from '../config/home.ts';
import { reportError } from './report-error.ts';
import { runNonInteractiveSetup, type SetupFlags } from './setup/non-interactive.ts';
import { effectiveEnv } from './setup/platform-status.ts';
import { runServiceCommand } from './setup/service-command.ts';

/** What the setup command needs. */
export interface SetupCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether a person is at the terminal (default: stdin and stdout are TTYs). */
  interactive?: boolean;
}

/** Prints each platform, whether the environment configures it, and its variables. */
export function platformOverview(processEnv: NodeJS.ProcessEnv, home: string): string {
  const env = effectiveEnv(home, processEnv);
  const lines: string[] = [
    'Platforms (variables from the environment of `hermes gateway` or $HERMES_HOME/.env):',
    '',
  ];
  for (const platform of PLATFORMS) {
    const result = platform.read({ env, extra: {}, home });
    const state = !result.configured
      ? '— not configured'
      : 'issues' in result
        ? `⚠️ configured with problems: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
        : '✅ configured';
    lines.push(`${platform.title} (${platform.name}) ${state}`);
    for (const v of platform.variables) {
      const value = env[v.name] ? (v.secret ? 'set' : `= ${env[v.name]}`) : 'unset';
      lines.push(`  ${v.required ? '*' : ' '} ${v.name} (${value}): ${v.description}`);
    }
    lines.push('');
  }
  lines.push('* required. WhatsApp links as a device: run `hermes gateway setup whatsapp`.');
  lines.push(
    'Run `hermes gateway setup` in a terminal for the wizard, or add --platform <name> (see --help).',
  );
  return `${lines.join('\n')}\n`;
}

/** Links WhatsApp interactively; resolves with the exit code. */
export async function runWhatsAppSetup(
  opts: { relink?: boolean; pairingNumber?: string },
  deps: SetupCommandDeps,
): Promise<number> {
  const home = resolveHome(deps.env);
  const { linkWhatsApp } = await import('../adapters/whatsapp/index.ts');
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  try {
    const pairingNumber = opts.pairingNumber ?? deps.env.WHATSAPP_PAIRING_NUMBER;
    if (!opts.relink) deps.stdout('Linking WhatsApp (stop the running gateway first; Ctrl-C cancels)...\n');
    const account = await linkWhatsApp({
      home,
      ...(opts.relink ? { relink: true } : {}),
      ...(pairingNumber ? { pairingNumber } : {}),
      signal: controller.signal,
      onQr: (_qr, rendered) =>
        deps.stdout(
          `\nScan this QR code in WhatsApp → Settings → Linked devices → Link a device:\n${rendered}\n`,
        ),
      onCode: (code) =>
        deps.stdout(
          `\nOn the phone: Linked devices → Link a device → Link with phone number instead, and type: ${code}\n`,
        ),
    });
    const who = account.name ?? account.id ?? 'this account';
    deps.stdout(
      account.alreadyLinked
        ? `WhatsApp is already linked as ${who}. Run "hermes gateway setup whatsapp --relink" to link again.\n`
        : `WhatsApp linked as ${who}. Set WHATSAPP_ENABLED=true and start the gateway.\n`,
    );
    return 0;
  } catch (error) {
    return reportError(error, deps.stderr);
  } finally {
    process.off('SIGINT', cancel);
  }
}

/** Adds `setup` under `hermes gateway`. */
export function registerSetupCommand(
  gateway: Command,
  deps: SetupCommandDeps,
  setExitCode: (code: number) => void,
) {
  const setup = gateway
    .command('setup')
    .description('set up a platform: a wizard in a terminal, or --platform <name> without prompts')
    .option('--list', 'only show which platforms are configured and what each needs')
    .option(
      '--platform <name>',
      'set up this platform without prompts (credentials from the environment or --set)',
    )
    .option(
      '--set <NAME=value>',
      "one of the platform's variables (repeatable; prefer the environment for secrets)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--allowed-users <ids>', 'comma-separated ids for <PLATFORM>_ALLOWED_USERS')
    .option('--dm-pairing <pair|ignore>', "how strangers' DMs are answered (unauthorized_dm_behavior)")
    .option('--no-check', 'save without trying the credentials against the platform')
    .option('--service <install|restart|none>', 'then install or restart the gateway service (default none)')
    .action(async (flags: SetupFlags) => {
      const home = resolveHome(deps.env);
      const runService = runServiceCommand(deps.env);
      const interactive = deps.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
      try {
        if (flags.platform !== undefined) {
          setExitCode(
            await runNonInteractiveSetup(flags, { home, env: deps.env, stdout: deps.stdout, runService }),
          );
        } else if (flags.list || !interactive) {
          deps.stdout(platformOverview(deps.env, home));
          setExitCode(0);
        } else {
          const { runSetupWizard } = await import('./setup/wizard-flow.ts');
          const linkWhatsApp = () => runWhatsAppSetup({}, deps);
          setExitCode(await runSetupWizard({ home, env: deps.env, runService, linkWhatsApp }));
        }
      } catch (error) {
        setExitCode(reportError(error, deps.stderr));
      }
    });
  setup
    .command('whatsapp')
    .description('link WhatsApp as a device (QR code, or a pairing code with --pairing-number)')
    .option('--relink', 'forget the linked device and link again (after "needs relink")')
    .option('--pairing-number <digits>', 'your phone number with country code, to link by code instead of QR')
    .action(async (opts: { relink?: boolean; pairingNumber?: string }) => {
      setExitCode(await runWhatsAppSetup(opts, deps));
    });
}
