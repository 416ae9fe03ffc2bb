/**
 * The `cronjob` tool: lets the agent schedule prompts for itself ("remind me
 * every morning at 9", "check the build in 30 minutes"), list them, pause,
 * resume, run and remove them. Results go to the chat the job was made in
 * unless another target is given. Jobs of other chats stay out of sight unless
 * `allJobs` is set. A run started by cron cannot manage cron jobs.
 */
import type { ChatType } from '../../adapters/contract.ts';
import { CronError } from '../../cron/cron-error.ts';
import {
  type CronJobsDeps,
  createCronJob,
  markCronJobDue,
  parseMissedPolicy,
  pauseCronJob,
  removeCronJob,
  requireCronJob,
  resumeCronJob,
} from '../../cron/cron-jobs.ts';
import { formatDeliverTarget, parseDeliverTarget } from '../../cron/deliver-target.ts';
import { describeCronJob, formatCronTime } from '../../cron/format.ts';
import { SCHEDULE_FORMS } from '../../cron/schedule.ts';
import type { CronDeliverTarget, CronJobRow, Store } from '../../persistence/store.ts';
import type { Tool, ToolContext } from '../agent.ts';

/** The tool's name. */
export const CRONJOB_TOOL_NAME = 'cronjob';

/** The chat the agent is talking in. */
export interface CronOrigin {
  platform: string;
  chatType: ChatType;
  chatId: string;
  threadId?: string;
}

/** Options of the cronjob tool. */
export interface CronjobToolOptions {
  store: Store;
  /** Epoch milliseconds now; defaults to `Date.now`. */
  now?: () => number;
  /** The chat the agent is talking in: the default delivery target. Absent where there is no chat (API server). */
  origin?: CronOrigin;
  /** True for runs started by cron: the tool then refuses every action. */
  insideCronRun?: boolean;
  /** Show and manage every job, not only those made in this chat (default false). */
  allJobs?: boolean;
  /** IANA time zone cron expressions are read in; the gateway's local zone when absent. */
  timezone?: string;
  /** Starts a job at once (the cron actor's `runJobNow`); without it `run` makes the job due at the next tick. */
  runJobNow?: (id: string) => Promise<unknown>;
}

const ACTIONS = ['list', 'create', 'pause', 'resume', 'remove', 'run'] as const;
type Action = (typeof ACTIONS)[number];

/** What the tool answers inside a cron run. */
export const INSIDE_CRON_RUN_REFUSAL =
  'Error: cron jobs cannot be managed from inside a cron run. Answer the scheduled prompt instead; ' +
  'the user can change jobs from their chat or with "hermes cron".';

function optionalText(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Reads the `deliver` argument: `origin` (default), `home`, `home:<platform>` or a full origin target. */
function deliverTarget(text: string | undefined, origin: CronOrigin | undefined): CronDeliverTarget {
  const value = text?.trim() ?? 'origin';
  if (value === 'origin' || value === 'home') {
    if (origin === undefined) {
      throw new CronError(
        `There is no chat here to deliver to; give deliver as "home:<platform>" or "origin:<platform>:<chatType>:<chatId>".`,
      );
    }
    return value === 'home' ? { kind: 'home', platform: origin.platform } : { kind: 'origin', ...origin };
  }
  return parseDeliverTarget(value);
}

/**
 * Creates the `cronjob` tool.
 *
 * @example
 * const tool = createCronjobTool({ store, origin: { platform: 'telegram', chatType: 'dm', chatId: '42' } });
 * await tool.execute({ action: 'create', schedule: '0 9 * * *', prompt: 'Summarise the news' }, ctx);
 */
export function createCronjobTool(options: CronjobToolOptions): Tool {
  const jobs: CronJobsDeps = {
    store: options.store.cron,
    now: options.now ?? Date.now,
    ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
  };

  /** The job, when it exists and this chat may see it. */
  const visibleJob = async (id: string, ctx: ToolContext): Promise<CronJobRow> => {
    const job = await requireCronJob(jobs.store, id);
    if (!options.allJobs && job.createdBy !== ctx.sessionKey) {
      throw new CronError(`No cron job with id "${id}" in this chat.`, { id });
    }
    return job;
  };

  const perform = async (
    action: Action,
    args: Record<string, unknown>,
    ctx: ToolContext,
  ): Promise<string> => {
    if (action === 'list') {
      const all = await jobs.store.list();
      const mine = options.allJobs ? all : all.filter((j) => j.createdBy === ctx.sessionKey);
      return mine.length === 0 ? 'No cron jobs.' : mine.map(describeCronJob).join('\n');
    }
    if (action === 'create') {
      const schedule = optionalText(args, 'schedule');
      const prompt = optionalText(args, 'prompt');
      if (schedule === undefined) return `Error: "create" needs a "schedule". ${SCHEDULE_FORMS}`;
      if (prompt === undefined) return 'Error: "create" needs a "prompt": what to do at each run.';
      const name = optionalText(args, 'name');
      const missed = optionalText(args, 'missed');
      const job = await createCronJob(jobs, {
        schedule,
        prompt,
        deliverTo: deliverTarget(optionalText(args, 'deliver'), options.origin),
        createdBy: ctx.sessionKey,
        ...(name === undefined ? {} : { name }),
        ...(missed === undefined ? {} : { missedPolicy: parseMissedPolicy(missed) }),
      });
      return (
        `Created cron job ${job.id} "${job.name}": next run ${formatCronTime(job.nextRunAt)}, ` +
        `results go to ${formatDeliverTarget(job.deliverTo)}, missed runs: ${job.missedPolicy}.`
      );
    }
    const id = optionalText(args, 'job_id');
    if (id === undefined) return `Error: "${action}" needs a "job_id" (the "list" action shows them).`;
    const job = await visibleJob(id, ctx);
    switch (action) {
      case 'pause':
        await pauseCronJob(jobs, job.id);
        return `Paused cron job ${job.id} "${job.name}".`;
      case 'resume': {
        const resumed = await resumeCronJob(jobs, job.id);
        return `Resumed cron job ${job.id} "${job.name}": next run ${formatCronTime(resumed.nextRunAt)}.`;
      }
      case 'remove':
        await removeCronJob(jobs, job.id);
        return `Removed cron job ${job.id} "${job.name}".`;
      case 'run':
        if (options.runJobNow) {
          if (job.status === 'paused') throw new CronError(`Cron job ${job.id} is paused; resume it first.`);
          void options.runJobNow(job.id).catch(() => {});
          return `Started cron job ${job.id} "${job.name}" now; its result goes to ${formatDeliverTarget(job.deliverTo)}.`;
        }
        await markCronJobDue(jobs, job.id);
        return `Cron job ${job.id} "${job.name}" is due now and runs within a minute; its result goes to ${formatDeliverTarget(job.deliverTo)}.`;
    }
  };

  return {
    name: CRONJOB_TOOL_NAME,
    description:
      'Schedule prompts you will run later on your own, and manage them. Actions: list, create ' +
      '(schedule + prompt, optional name, deliver, missed), pause, resume, run (now), remove (by job_id). ' +
      'Results are sent to this chat unless "deliver" says otherwise.',
    parameters: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: [...ACTIONS], description: 'What to do.' },
        schedule: {
          type: 'string',
          description:
            'For create. A cron expression ("0 9 * * *"), an interval ("every 2h", at least 1 minute), ' +
            'a delay for one run ("30m") or an ISO 8601 time for one run ("2026-12-01T09:00:00Z").',
        },
        prompt: { type: 'string', description: 'For create: the instruction to carry out at each run.' },
        name: { type: 'string', description: 'For create: a short name shown with the results.' },
        job_id: { type: 'string', description: 'For pause, resume, run and remove: the job id (cron_...).' },
        deliver: {
          type: 'string',
          description:
            'For create: "origin" (this chat, default), "home" (this platform\'s home channel), ' +
            '"home:<platform>" or "origin:<platform>:<chatType>:<chatId>[:<threadId>]".',
        },
        missed: {
          type: 'string',
          enum: ['skip', 'run_once'],
          description:
            'For create: a run missed while the gateway was down is skipped, or run once when it is back ' +
            '(default skip for recurring jobs, run_once for one-shots).',
        },
      },
      required: ['action'],
      additionalProperties: false,
    },
    async execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string> {
      if (options.insideCronRun) return INSIDE_CRON_RUN_REFUSAL;
      const action = args.action;
      if (typeof action !== 'string' || !ACTIONS.includes(action as Action)) {
        return `Error: "action" must be one of ${ACTIONS.join(', ')}.`;
      }
      try {
        return await perform(action as Action, args, ctx);
      } catch (error) {
        if (error instanceof CronError) return `Error: ${error.message}`;
        return `Error: the cron job could not be changed: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
  };
}
