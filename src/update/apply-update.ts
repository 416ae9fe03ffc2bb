/**
 * Checking for and applying an update, as text for the chat or the terminal:
 * the logic `/update` and `hermes update` share.
 */
import { lastLines } from './run-process.ts';
import type { UpdateDeps } from './update-deps.ts';
import { planUpdate } from './update-plan.ts';
import { availableVersion, describeAvailable, describeRunning, runningVersion } from './version-info.ts';

/** What a check or an update produced. `ok` is false when an update was refused or failed. */
export interface UpdateOutcome {
  ok: boolean;
  lines: string[];
}

/**
 * The running version and the newest available. A network failure is a line of
 * the report, never an exception.
 */
export async function checkForUpdate(deps: UpdateDeps): Promise<UpdateOutcome> {
  const running = await runningVersion(deps);
  const available = await availableVersion(running, deps);
  return { ok: true, lines: [describeRunning(running), describeAvailable(available)] };
}

/**
 * Updates the install (git pull --ff-only + npm ci, or npm install -g), then
 * restarts through the service when the gateway runs as one, or tells the
 * operator to restart. Refused, with the reason, when the install cannot update itself.
 */
export async function applyUpdate(deps: UpdateDeps): Promise<UpdateOutcome> {
  const running = await runningVersion(deps);
  const available = await availableVersion(running, deps);
  const lines = [describeRunning(running), describeAvailable(available)];
  const plan = await planUpdate(running, available, deps);
  if (!plan.ok) {
    if (plan.upToDate) return { ok: true, lines: [...lines, 'Nothing to update.'] };
    return { ok: false, lines: [...lines, `⛔ Cannot update: ${plan.reason}.`] };
  }
  for (const step of plan.steps) {
    const command = [step.file, ...step.args].join(' ');
    const result = await deps.run(step.file, step.args, { cwd: deps.root });
    if (result.code !== 0) {
      const why = lastLines(result.stderr) || lastLines(result.stdout) || `exit code ${result.code}`;
      return { ok: false, lines: [...lines, `❌ ${command} failed: ${why}`] };
    }
    lines.push(`✅ ${command}`);
  }
  lines.push(`Updated to ${plan.target}.`);
  if (!deps.service) {
    lines.push('Restart the gateway to run the new version (stop it and start it again).');
    return { ok: true, lines };
  }
  try {
    await deps.restart();
    lines.push('🔄 Restarting the gateway service…');
  } catch (error) {
    lines.push(`⚠️ The restart failed (${(error as Error).message}): restart the gateway yourself.`);
  }
  return { ok: true, lines };
}
