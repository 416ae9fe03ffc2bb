import type { Command } from 'commander';
import { CronError } from '../cron/cron-error.ts';
import {
  type CronJobsDeps,
  createCronJob,
  markCronJobDue,
  parseMissedPolicy,
  pauseCronJob,
  removeCronJob,
  resumeCronJob,
} from '../cron/cron-jobs.ts';
import { DELIVER_FORMS, formatDeliverTarget, parseDeliverTarget } from '../cron/deliver-target.ts';
import { formatCronTable, formatCronTime } from '../cron/format.ts';
import type { CronJobRow } from '../persistence/store.ts';
import { withStateStore } from './state-store.ts';

/** The database file inside `$HERMES_HOME` (the one the gateway opens). */

/** The process around the command. */
export interface CronCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Clock in epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/** One `hermes cron` action. */
export type CronAction =
  | { kind: 'list' }
  | {
      kind: 'create';
      schedule: string;
      prompt: string;
      name?: string;
      deliver?: string;
      missed?: string;
    }
  | { kind: 'pause' | 'resume' | 'run' | 'remove'; id: string };

function nextRunLine(job: CronJobRow): string {
  return job.status === 'active' ? `next run ${formatCronTime(job.nextRunAt)}` : job.status;
}

async function perform(jobs: CronJobsDeps, action: CronAction, deps: CronCommandDeps): Promise<number> {
  switch (action.kind) {
    case 'list':
      deps.stdout(formatCronTable(await jobs.store.list()));
      return 0;
    case 'create': {
      if (action.deliver === undefined) {
        throw new CronError(`Say where the results go with --deliver. ${DELIVER_FORMS}`);
      }
      const job = await createCronJob(jobs, {
        schedule: action.schedule,
        prompt: action.prompt,
        deliverTo: parseDeliverTarget(action.deliver),
        createdBy: 'cli',
        ...(action.name === undefined ? {} : { name: action.name }),
        ...(action.missed === undefined ? {} : { missedPolicy: parseMissedPolicy(action.missed) }),
      });
      deps.stdout(
        `Created cron job ${job.id} "${job.name}" (${job.schedule}): ${nextRunLine(job)}, ` +
          `delivers to ${formatDeliverTarget(job.deliverTo)}, missed runs: ${job.missedPolicy}.\n`,
      );
      return 0;
    }
    case 'pause': {
      const job = await pauseCronJob(jobs, action.id);
      deps.stdout(`Paused cron job ${job.id} "${job.name}". Resume it with: hermes cron resume ${job.id}\n`);
      return 0;
    }
    case 'resume': {
      const job = await resumeCronJob(jobs, action.id);
      deps.stdout(`Resumed cron job ${job.id} "${job.name}": ${nextRunLine(job)}.\n`);
      return 0;
    }
    case 'run': {
      const job = await markCronJobDue(jobs, action.id);
      deps.stdout(
        `Cron job ${job.id} "${job.name}" is due now: the running gateway runs it at its next tick ` +
          '(within a minute) and delivers the result.\n',
      );
      return 0;
    }
    case 'remove': {
      const job = await removeCronJob(jobs, action.id);
      deps.stdout(`Removed cron job ${job.id} "${job.name}".\n`);
      return 0;
    }
  }
}

/**
 * Runs one `hermes cron` action against `$HERMES_HOME/state.db` and resolves
 * with the exit code (0 done, 1 refused or failed).
 */
export function runCronCommand(action: CronAction, deps: CronCommandDeps): Promise<number> {
  return withStateStore(deps, (store) =>
    perform({ store: store.cron, now: deps.now ?? Date.now }, action, deps),
  );
}

/**
 * Adds `hermes cron` and its subcommands to `program`; the chosen action stores
 * its exit code through `setExitCode`.
 */
export function registerCronCommand(
  program: Command,
  deps: CronCommandDeps,
  setExitCode: (code: number) => void,
): void {
  const run = async (action: CronAction): Promise<void> => {
    setExitCode(await runCronCommand(action, deps));
  };
  const cron = program
    .command('cron')
    .description('schedule prompts the agent runs on its own (cron expressions, intervals, one-shots)');
  cron
    .command('list')
    .description('show every job: id, name, schedule, next run and last status')
    .action(() => run({ kind: 'list' }));
  cron
    .command('create')
    .description('add a job')
    .requiredOption(
      '--schedule <schedule>',
      'when: "0 9 * * *" (cron), "every 2h" (interval), "30m" (once, after a delay) or "2026-12-01T09:00:00Z" (once)',
    )
    .requiredOption('--prompt <prompt>', 'what the agent is asked at each run')
    .option('--name <name>', 'a short name (default: the start of the prompt)')
    .option(
      '--deliver <target>',
      'where results go: home:<platform> or origin:<platform>:<chatType>:<chatId>[:<threadId>]',
    )
    .option(
      '--missed <policy>',
      'a run missed while the gateway was down: skip or run_once ' +
        '(default: skip for recurring jobs, run_once for one-shots)',
    )
    .action((opts: { schedule: string; prompt: string; name?: string; deliver?: string; missed?: string }) =>
      run({ kind: 'create', ...opts }),
    );
  for (const [kind, description] of [
    ['pause', 'stop running a job until it is resumed'],
    ['resume', 'run a paused job again, from its next scheduled time'],
    ['run', 'make a job due now: the running gateway runs it at its next tick'],
    ['remove', 'delete a job'],
  ] as const) {
    cron
      .command(kind)
      .description(description)
      .argument('<id>', 'the job id ("hermes cron list" shows it)')
      .action((id: string) => run({ kind, id }));
  }
}
