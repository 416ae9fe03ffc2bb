/**
 * Whether this install can update itself, and the commands that would do it.
 */
import { dirname } from 'node:path';
import { PACKAGE_NAME, type UpdateDeps } from './update-deps.ts';
import type { AvailableVersion, RunningVersion } from './version-info.ts';

/** One program to run, in the install's folder. */
export interface UpdateStep {
  file: string;
  args: string[];
}

/** The update to apply, or why there is none. */
export type UpdatePlan =
  | { ok: true; target: string; steps: UpdateStep[] }
  | { ok: false; upToDate: boolean; reason: string };

function refuse(reason: string): UpdatePlan {
  return { ok: false, upToDate: false, reason };
}

/**
 * Plans the update of `running` to `available`. Refused (with the reason) when the
 * newest version is unknown, from the npx cache, when the folder is not writable,
 * when a checkout has local changes; `upToDate` when there is nothing newer.
 */
export async function planUpdate(
  running: RunningVersion,
  available: AvailableVersion,
  deps: Pick<UpdateDeps, 'root' | 'run' | 'writable'>,
): Promise<UpdatePlan> {
  if (running.kind === 'npx') {
    return refuse(
      `it runs from the npx cache, which npx manages: install it with npm install -g ${PACKAGE_NAME} to update it`,
    );
  }
  if (available.kind === 'unknown') return refuse(`the newest version is unknown: ${available.reason}`);
  if (running.kind === 'git') {
    if (available.kind !== 'git') return refuse('the checkout has no upstream to update from');
    if (!(await deps.writable(deps.root))) return refuse(`${deps.root} is not writable by this user`);
    const status = await deps.run('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: deps.root,
    });
    if (status.code !== 0) return refuse('git status failed in the checkout');
    if (status.stdout.trim() !== '') {
      const files = status.stdout.trim().split('\n').length;
      return refuse(
        `the checkout has local changes (${files} file${files === 1 ? '' : 's'}): commit or stash them first`,
      );
    }
    if (available.behind === 0) return { ok: false, upToDate: true, reason: 'already up to date' };
    return {
      ok: true,
      target: `${available.upstream} at ${available.commit}`,
      steps: [
        { file: 'git', args: ['pull', '--ff-only'] },
        { file: 'npm', args: ['ci', '--no-audit', '--no-fund'] },
      ],
    };
  }
  if (available.kind !== 'npm') return refuse('the npm registry gave no version');
  const folder = dirname(deps.root);
  if (!(await deps.writable(folder))) {
    return refuse(`${folder} is not writable by this user: update as its owner, or with sudo`);
  }
  if (!available.newer) return { ok: false, upToDate: true, reason: 'already up to date' };
  return {
    ok: true,
    target: available.latest,
    steps: [{ file: 'npm', args: ['install', '-g', `${PACKAGE_NAME}@${available.latest}`] }],
  };
}
