/** Cron jobs: schedules, job management, the runner and the cron actor the gateway supervises. */

export { CronError } from './cron-error.ts';
export {
  type CronJobsDeps,
  createCronJob,
  defaultMissedPolicy,
  markCronJobDue,
  type NewCronJob,
  newCronJobId,
  parseMissedPolicy,
  pauseCronJob,
  removeCronJob,
  requireCronJob,
  resumeCronJob,
} from './cron-jobs.ts';
export {
  CronRunner,
  type CronRunnerDeps,
  type CronRunOutcome,
  cronFailureText,
  cronResultText,
  DEFAULT_CRON_TICK_MS,
} from './cron-runner.ts';
export { type CronSchedulerDeps, createCronSchedulerLogic } from './cron-scheduler.ts';
export { DELIVER_FORMS, formatDeliverTarget, parseDeliverTarget } from './deliver-target.ts';
export { describeCronJob, formatCronTable, formatCronTime } from './format.ts';
export {
  isRecurring,
  MIN_INTERVAL_MS,
  nextRunAt,
  parseSchedule,
  SCHEDULE_FORMS,
  type Schedule,
  type ScheduleOptions,
} from './schedule.ts';
