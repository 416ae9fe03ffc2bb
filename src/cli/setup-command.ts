/**
 * `hermes gateway setup`: which platforms this environment turns on and what
 * each needs; `hermes gateway setup whatsapp` links WhatsApp as a device,
 * showing the QR code (or the pairing code) in the terminal.
 */
import type { Command } from 'commander';
import { PLATFORMS } from '../adapters/platforms.ts';
import { resolveHome } from '../config/home.ts';
import { reportError } from './report-error.ts';

/** What the setup command needs. */
export interface SetupCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Prints each platform, whether the environment configures it, and its variables. */
export function platformOverview(env: NodeJS.ProcessEnv, home: string): string {
  const lines: string[] = ['Platforms (set the variables in the environment of `hermes gateway`):', ''];
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
    .description('show which platforms are configured and what each needs')
    .action(() => {
      deps.stdout(platformOverview(deps.env, resolveHome(deps.env)));
      setExitCode(0);
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
