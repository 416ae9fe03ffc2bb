/**
 * The interactive `hermes gateway setup`: arrow-key menus (@clack/prompts)
 * that show every platform as configured or not for this Hermes home, ask
 * the chosen platform's credentials (validated by its own settings schema),
 * try them live, ask who may talk to the bot and how strangers' DMs are
 * handled, save `.env` and config.yaml (0600), and offer to install or
 * restart the gateway service.
 */
import * as prompts from '@clack/prompts';
import { allowlistVariable } from '../../access/allowlist.ts';
import type { PlatformDefinition } from '../../adapters/platform-definition.ts';
import {
  ALLOWLIST_HINTS,
  allowlistProblem,
  CREDENTIAL_STEPS,
  type CredentialStep,
} from './credential-steps.ts';
import { liveCheck } from './live-check.ts';
import { effectiveEnv, platformStatuses } from './platform-status.ts';
import { saveSettings } from './save-settings.ts';
import { describeSaved } from './saved-summary.ts';
import { describeServiceOutcome, type ServiceRunner } from './service-command.ts';
import { candidateEnv, settingsIssues } from './settings-check.ts';

/** What the wizard needs. */
export interface WizardDeps {
  home: string;
  env: NodeJS.ProcessEnv;
  runService: ServiceRunner;
  /** Links WhatsApp (the `hermes gateway setup whatsapp` flow); resolves with its exit code. */
  linkWhatsApp: () => Promise<number>;
}

/** The person pressed Ctrl-C or Escape. */
class Cancelled extends Error {}

function answered<T>(value: T): Exclude<T, symbol> {
  if (prompts.isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}

const STATE_HINTS: Record<string, string> = {
  configured: '✔ configured',
  'not configured': 'not configured',
  invalid: '⚠ configured with problems',
  'turned off': 'configured, turned off in config.yaml',
};

// biome-ignore lint/suspicious/noExplicitAny: each definition reads its own options type
type AnyPlatform = PlatformDefinition<any>;

/** Asks the steps of a platform; answers left empty keep the value already set. */
async function askSteps(
  platform: AnyPlatform,
  steps: readonly CredentialStep[],
  values: Record<string, string>,
  deps: WizardDeps,
): Promise<void> {
  const current = effectiveEnv(deps.home, deps.env);
  for (const step of steps) {
    if ('choose' in step) {
      const picked = answered(
        await prompts.select({
          message: step.choose,
          options: step.options.map((option, index) => ({
            value: index,
            label: option.label,
            ...(option.hint ? { hint: option.hint } : {}),
          })),
        }),
      );
      await askSteps(platform, step.options[picked]?.steps ?? [], values, deps);
      continue;
    }
    const variable = platform.variables.find((v) => v.name === step.ask);
    const name = step.ask;
    const isSet = Boolean(current[name]?.trim());
    const keep = isSet ? ' (leave empty to keep the current value)' : step.optional ? ' (optional)' : '';
    const message = `${name}: ${variable?.description ?? ''}${keep}`;
    const validate = (input: string | undefined): string | undefined => {
      const value = input ?? '';
      if (!value.trim()) return isSet || step.optional ? undefined : `${name} is required`;
      const [issue] = settingsIssues(platform, deps.home, deps.env, { ...values, [name]: value }, name);
      return issue ? `${issue.message}. Fix: ${issue.fix}` : undefined;
    };
    const input = answered(
      variable?.secret
        ? await prompts.password({ message, mask: '•', validate })
        : await prompts.text({
            message,
            ...(isSet && !variable?.secret ? { initialValue: current[name] as string } : {}),
            validate,
          }),
    );
    if (input.trim()) values[name] = input;
  }
}

/** Asks credentials until they pass the schema and the live check; false when the person gives up. */
async function askCredentials(platform: AnyPlatform, values: Record<string, string>, deps: WizardDeps) {
  for (;;) {
    await askSteps(platform, CREDENTIAL_STEPS[platform.name] ?? [], values, deps);
    const issues = settingsIssues(platform, deps.home, deps.env, values);
    let problem = issues[0];
    if (!problem) {
      const spin = prompts.spinner();
      spin.start(`Checking the credentials with ${platform.title}`);
      const checked = await liveCheck(platform, candidateEnv(deps.home, deps.env, values), deps.home);
      if (checked.ok) {
        spin.stop(
          `${platform.title} accepted the credentials${checked.account ? `: ${checked.account}` : ''}`,
        );
        return true;
      }
      spin.error(`${platform.title} check failed`);
      problem = checked.issue;
    }
    for (const issue of problem === issues[0] ? issues : [problem]) {
      prompts.log.error(`${issue.path}: ${issue.message}.\nFix: ${issue.fix}`);
    }
    prompts.log.warn('Nothing was saved.');
    const again = answered(
      await prompts.select({
        message: 'What now?',
        options: [
          { value: true, label: 'Enter the credentials again' },
          { value: false, label: 'Cancel without saving' },
        ],
      }),
    );
    if (!again) return false;
    for (const key of Object.keys(values)) delete values[key];
  }
}

/** Asks the allowlist and the DM pairing choice. */
async function askAccess(platform: AnyPlatform, values: Record<string, string>, deps: WizardDeps) {
  const variable = allowlistVariable(platform.name);
  const current = effectiveEnv(deps.home, deps.env)[variable];
  const allowed = answered(
    await prompts.text({
      message: `Who may talk to the bot? ${variable}: ${ALLOWLIST_HINTS[platform.name] ?? 'user ids'}, comma-separated (empty: nobody yet)`,
      ...(current ? { initialValue: current } : {}),
      validate: (text) => allowlistProblem(platform.name, text ?? ''),
    }),
  ).trim();
  if (allowed) values[variable] = allowed;
  prompts.note(
    [
      'A stranger who writes to the bot in a DM can get a one-time pairing code',
      'instead of an answer. You approve them with:',
      `  hermes pairing approve ${platform.name} <code>`,
      'Codes expire after 1 hour; groups never get codes.',
    ].join('\n'),
    'DM pairing',
  );
  const pairFirst = !allowed && platform.name !== 'email';
  const pair = { value: 'pair' as const, label: 'Answer strangers with a pairing code', hint: 'pair' };
  const ignore = { value: 'ignore' as const, label: 'Ignore strangers silently', hint: 'ignore' };
  return answered(
    await prompts.select({
      message: 'How should the bot treat DMs from people not on the list?',
      options: pairFirst ? [pair, ignore] : [ignore, pair],
    }),
  );
}

/** Offers to install or restart the service, through the CLI. */
async function offerService(deps: WizardDeps): Promise<void> {
  const action = answered(
    await prompts.select({
      message: 'Start the gateway with the new settings?',
      options: [
        { value: 'restart' as const, label: 'Restart the gateway service', hint: 'hermes gateway restart' },
        { value: 'install' as const, label: 'Install the gateway service', hint: 'hermes gateway install' },
        { value: 'none' as const, label: 'Not now' },
      ],
    }),
  );
  if (action === 'none') {
    prompts.log.info('Start it yourself with: hermes gateway');
    return;
  }
  const spin = prompts.spinner();
  spin.start(`Running hermes gateway ${action}`);
  const outcome = await deps.runService(action);
  if (outcome.result === 'ok') spin.stop(describeServiceOutcome(outcome));
  else {
    spin.error(`hermes gateway ${action} did not run`);
    prompts.log.warn(describeServiceOutcome(outcome));
  }
}

/**
 * Runs the wizard in the terminal and resolves with the exit code (0 also when
 * the person cancels: nothing is saved then).
 */
export async function runSetupWizard(deps: WizardDeps): Promise<number> {
  prompts.intro('Hermes gateway setup');
  try {
    const statuses = platformStatuses(deps.home, deps.env);
    prompts.log.info(`Hermes home: ${deps.home}`);
    const name = answered(
      await prompts.select({
        message: 'Which platform do you want to set up?',
        options: statuses.map((s) => ({
          value: s.platform.name,
          label: `${s.platform.title.padEnd(10)} ${STATE_HINTS[s.state] ?? s.state}`,
        })),
      }),
    );
    const status = statuses.find((s) => s.platform.name === name);
    if (!status) return 0;
    const platform = status.platform;
    for (const problem of status.problems) prompts.log.warn(problem);
    const values: Record<string, string> = {};
    if (platform.name === 'whatsapp') {
      prompts.log.info('WhatsApp links this gateway as a device of your phone.');
      if ((await deps.linkWhatsApp()) !== 0) {
        prompts.cancel('WhatsApp was not linked; nothing was saved.');
        return 1;
      }
      values.WHATSAPP_ENABLED = 'true';
    } else if (!(await askCredentials(platform, values, deps))) {
      prompts.outro('Cancelled: nothing was saved.');
      return 0;
    }
    const dmPairing = await askAccess(platform, values, deps);
    const saved = saveSettings(deps.home, { platform: platform.name, variables: values, dmPairing });
    prompts.log.success(describeSaved(saved, values, deps.env));
    await offerService(deps);
    prompts.outro('Done. Check everything with: hermes gateway --check');
    return 0;
  } catch (error) {
    if (error instanceof Cancelled) {
      prompts.cancel('Cancelled: nothing was saved.');
      return 0;
    }
    throw error;
  }
}
