/** How cron jobs are shown to people: the `hermes cron list` table and one-line summaries. */
import type { CronJobRow } from '../persistence/store.ts';
import { formatDeliverTarget } from './deliver-target.ts';

/** An epoch-ms time as `2026-12-01T09:00:00Z`, or `-` when absent. */
export function formatCronTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What the "next run" column says: the time, `paused` or `done`. */
function nextRunText(job: CronJobRow): string {
  if (job.status === 'paused') return 'paused';
  if (job.status === 'done') return 'done';
  return formatCronTime(job.nextRunAt);
}

/** What the "last status" column says: `ok`, `failed: <error>` or `never run`. */
function lastStatusText(job: CronJobRow): string {
  if (job.lastStatus === null) return 'never run';
  if (job.lastStatus === 'ok') return 'ok';
  return job.lastError === null ? 'failed' : `failed: ${job.lastError.split('\n')[0]}`;
}

/**
 * The table `hermes cron list` prints: id, name, schedule, next run, last status.
 *
 * @example
 * formatCronTable([]) // 'No cron jobs.\n'
 */
export function formatCronTable(jobs: readonly CronJobRow[]): string {
  if (jobs.length === 0)
    return 'No cron jobs. Create one with: hermes cron create --schedule "0 9 * * *" --prompt "..."\n';
  const rows = [
    ['ID', 'NAME', 'SCHEDULE', 'NEXT RUN', 'LAST STATUS'],
    ...jobs.map((j) => [j.id, j.name, j.schedule, nextRunText(j), lastStatusText(j)]),
  ];
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  const line = (r: string[]): string =>
    r
      .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${rows.map(line).join('\n')}\n`;
}

/**
 * One job in a few lines, for the agent's `cronjob` tool.
 *
 * @example
 * describeCronJob(job) // 'cron_ab12cd34 "Morning news" (0 9 * * *), active, next run 2026-12-01T09:00:00Z, ...'
 */
export function describeCronJob(job: CronJobRow): string {
  return (
    `${job.id} "${job.name}" (${job.schedule}), ${job.status}, next run ${nextRunText(job)}, ` +
    `last run ${formatCronTime(job.lastRunAt)} (${lastStatusText(job)}), runs ${job.runCount}, ` +
    `delivers to ${formatDeliverTarget(job.deliverTo)}, missed runs: ${job.missedPolicy}\n` +
    `  prompt: ${job.prompt}`
  );
}
