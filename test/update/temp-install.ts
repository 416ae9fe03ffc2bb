/**
 * Temporary installs of the gateway: an npm global install folder, and a git
 * checkout cloned from a bare "remote" in a temp dir that gets ahead of it.
 * Tests skip with a visible reason when git is missing (a failure under CI=true).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test. */
export function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-update-')));
  dirs.push(dir);
  return dir;
}

function packageJson(version: string): string {
  return `${JSON.stringify({ name: 'hermes-gateway', version }, null, 2)}\n`;
}

/** `<tmp>/<prefix>/node_modules/hermes-gateway` holding a package.json of `version`. */
export function npmInstall(version: string, prefix = 'lib'): string {
  const root = join(tempDir(), prefix, 'node_modules', 'hermes-gateway');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), packageJson(version));
  return root;
}

/** Why git cannot be used, or undefined when it can. */
export function gitMissing(): string | undefined {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'git is not installed (apt-get install -y git)';
  }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Hermes Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Hermes Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `cwd` (a temp folder of this test) and answers its output. */
export function git(cwd: string, ...args: string[]): string {
  if (!cwd.startsWith(realpathSync(tmpdir())))
    throw new Error(`refusing to run git outside a temp dir: ${cwd}`);
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

/** A bare remote, a clone of it (`clone`, the running install) and a second clone that pushes (`ahead`). */
export interface GitInstall {
  remote: string;
  clone: string;
  /** Commits `count` changes of package.json (last one at `version`) and pushes them to the remote. */
  push(count: number, version?: string): void;
}

/** A checkout of version `version` whose remote can be moved ahead with `push`. */
export function gitInstall(version: string): GitInstall {
  const dir = tempDir();
  const remote = join(dir, 'remote.git');
  const seed = join(dir, 'seed');
  const clone = join(dir, 'clone');
  git(dir, 'init', '--bare', '--initial-branch=main', remote);
  git(dir, 'clone', '--quiet', remote, seed);
  git(seed, 'checkout', '--quiet', '-b', 'main');
  writeFileSync(join(seed, 'package.json'), packageJson(version));
  git(seed, 'add', 'package.json');
  git(seed, 'commit', '--quiet', '-m', 'first release');
  git(seed, 'push', '--quiet', 'origin', 'main');
  git(dir, 'clone', '--quiet', remote, clone);
  return {
    remote,
    clone,
    push(count, next = version) {
      for (let i = 1; i <= count; i++) {
        writeFileSync(join(seed, 'package.json'), packageJson(i === count ? next : `${version}-${i}`));
        git(seed, 'commit', '--quiet', '-am', `change ${i}`);
      }
      git(seed, 'push', '--quiet', 'origin', 'main');
    },
  };
}
