/**
 * Temp folders for checkpoint tests (a Hermes home and a working directory with
 * files), and the rule for git: tests skip with a visible reason when git is
 * missing, except under CI=true, where that is a failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { CheckpointStore } from '../../src/checkpoints/checkpoint-store.ts';
import { type CheckpointsConfig, CheckpointsSchema } from '../../src/checkpoints/checkpoints-config.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Why git cannot run here, or undefined when it can. */
export function gitMissing(): string | undefined {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch (err) {
    return `git is not installed (${(err as Error).message})`;
  }
}

/** A describe that needs git: skipped with a reason without it, failing under CI=true. */
export function describeWithGit(name: string, body: () => void): void {
  const missing = gitMissing();
  if (missing && process.env.CI === 'true') {
    describe(name, () => {
      it('needs git', () => {
        throw new Error(`git is required under CI: ${missing}`);
      });
    });
    return;
  }
  if (missing) console.warn(`[checkpoint tests] skipped "${name}": ${missing}`);
  describe.skipIf(!!missing)(name, body);
}

/** A fresh temp folder, removed after the test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hermes-${prefix}-`));
  made.push(dir);
  return dir;
}

/** A temp working directory holding `files` (path → content). */
export function workDirWith(files: Record<string, string>): string {
  const dir = tempDir('workdir');
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return dir;
}

/** A checkpoint store on a temp home for `workDir`. */
export async function openStore(
  workDir: string,
  config: Partial<CheckpointsConfig> = {},
  extra: { gitPath?: string; now?: () => number } = {},
): Promise<CheckpointStore> {
  return CheckpointStore.open({
    home: tempDir('home'),
    workDir,
    config: CheckpointsSchema.parse(config),
    ...extra,
  });
}
