/**
 * `hermes gateway status`: the state of the installed service (see
 * `service-command.ts`), then what the gateway of this `HERMES_HOME` last recorded
 * in its database: each platform's breaker (running, paused, paused by the
 * breaker, needs relink, with the last reason and since when), background tasks
 * not yet delivered, cron jobs, and what the HTTP ingress did with the webhook
 * requests since the gateway started (accepted, skipped, ignored, rejected and
 * not committed, per route and reason). It reads the state the running gateway
 * commits, so it works from another terminal while the gateway runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BACKGROUND_TASK_KIND } from '../actors/background-tasks.ts';
import { platformLine } from '../commands/builtin/platform.ts';
import { resolveHome, STATE_DB_FILE } from '../config/home.ts';
import { formatIngressCounts, INGRESS_COUNTS_KEY, type IngressCounts } from '../http/ingress-counters.ts';
import { type BreakerContext, breakerView } from '../machines/breaker.ts';
import { createSqliteStore } from '../persistence/sqlite-store.ts';
import { reportError } from './report-error.ts';
import { printServiceStatus, type ServiceCommandDeps, SYSTEM_FLAG } from './service-command.ts';

/** What `hermes gateway status` needs. */
export interface StatusCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => number;
}

/**
 * Prints the recorded state; resolves with the exit code (0, or 1 when a
 * platform is paused by its breaker or needs relink, so scripts can alert).
 */
export async function runStatusCommand(deps: StatusCommandDeps): Promise<number> {
  const home = resolveHome(deps.env);
  const path = join(home, STATE_DB_FILE);
  if (!existsSync(path)) {
    deps.stdout(`The gateway has not run in ${home} yet (no ${path}).\n`);
    return 0;
  }
  const store = createSqliteStore({ path });
  try {
    await store.migrate();
    const now = (deps.now ?? Date.now)();
    const started = await store.meta.get('started_at');
    const clean = await store.meta.get('clean_shutdown');
    const lines: string[] = [
      clean
        ? `Gateway stopped cleanly at ${new Date(Number(clean)).toISOString()}`
        : started
          ? `Gateway started at ${new Date(Number(started)).toISOString()} (running, or it did not shut down cleanly)`
          : 'Gateway state unknown',
    ];
    const breakers = await store.actors.list('breaker');
    let unhealthy = 0;
    lines.push('', 'Platforms (as last recorded):');
    if (breakers.length === 0) lines.push('  (none recorded yet)');
    for (const row of breakers) {
      const snap = row.snapshot as { value: unknown; context: BreakerContext };
      const view = breakerView(snap.value, snap.context);
      if (view.status === 'paused-by-breaker' || view.status === 'needs-relink') unhealthy++;
      lines.push(`  ${platformLine(view, now)}`);
    }
    const tasks = await store.actors.list(BACKGROUND_TASK_KIND, [
      'pending',
      'running',
      'succeeded',
      'failed',
    ]);
    lines.push('', `Background tasks not yet delivered: ${tasks.length}`);
    for (const t of tasks) lines.push(`  ${t.actorId}: ${t.state}`);
    const jobs = await store.cron.list();
    const active = jobs.filter((j) => j.status === 'active').length;
    lines.push('', `Cron jobs: ${jobs.length} (${active} active); see "hermes cron list"`);
    const counts = readCounts(await store.meta.get(INGRESS_COUNTS_KEY));
    if (counts) {
      lines.push('', 'HTTP ingress requests since the gateway started (as last recorded):');
      for (const line of formatIngressCounts(counts)) lines.push(`  ${line}`);
    }
    deps.stdout(`${lines.join('\n')}\n`);
    return unhealthy > 0 ? 1 : 0;
  } catch (error) {
    return reportError(error, deps.stderr);
  } finally {
    await store.close();
  }
}

/** The recorded ingress counts, when there are any. */
function readCounts(text: string | undefined): IngressCounts | undefined {
  if (!text) return undefined;
  try {
    const counts = JSON.parse(text) as IngressCounts;
    return typeof counts === 'object' && counts !== null && Object.keys(counts).length > 0
      ? counts
      : undefined;
  } catch {
    return undefined;
  }
}

/** Adds `status` under `hermes gateway`. */
export function registerStatusCommand(
  gateway: Command,
  deps: StatusCommandDeps & ServiceCommandDeps,
  setExitCode: (code: number) => void,
) {
  gateway
    .command('status')
    .description(
      'show the service (state, pid, uptime), each platform (running, paused, paused by its breaker, needs relink), background tasks and cron jobs',
    )
    .option(...SYSTEM_FLAG)
    .action(async (opts: { system?: boolean }) => {
      const service = await printServiceStatus({ system: opts.system === true }, deps);
      if (service.skipGatewayStatus) {
        deps.stdout(`${service.skipGatewayStatus}\n`);
        setExitCode(service.code);
        return;
      }
      const env = service.home ? { ...deps.env, HERMES_HOME: service.home } : deps.env;
      setExitCode(Math.max(service.code, await runStatusCommand({ ...deps, env })));
    });
}
