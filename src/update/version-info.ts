/**
 * Which version runs and which is the newest available: the npm registry for a
 * package install, the git remote for a checkout.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { lastLines } from './run-process.ts';
import { PACKAGE_NAME, type UpdateDeps } from './update-deps.ts';

/** How the gateway was installed. */
export type InstallKind = 'git' | 'npm' | 'npx';

/** The running gateway. */
export interface RunningVersion {
  kind: InstallKind;
  /** `version` of its package.json. */
  version: string;
  /** The short commit, for a git checkout. */
  commit?: string;
}

/** The newest version available, or why it is unknown. */
export type AvailableVersion =
  | { kind: 'npm'; latest: string; newer: boolean }
  | { kind: 'git'; upstream: string; behind: number; commit: string; version?: string }
  | { kind: 'unknown'; reason: string };

/** A git checkout (has `.git`), a copy in the npx cache, or an npm install. */
export function installKind(root: string): InstallKind {
  if (existsSync(join(root, '.git'))) return 'git';
  if (root.includes(`${sep}_npx${sep}`)) return 'npx';
  return 'npm';
}

/** The running version (and commit, for a checkout). */
export async function runningVersion(deps: Pick<UpdateDeps, 'root' | 'run'>): Promise<RunningVersion> {
  const kind = installKind(deps.root);
  const pkg = JSON.parse(await readFile(join(deps.root, 'package.json'), 'utf8')) as { version?: string };
  const version = pkg.version ?? '0.0.0';
  if (kind !== 'git') return { kind, version };
  const head = await deps.run('git', ['rev-parse', '--short', 'HEAD'], { cwd: deps.root });
  return head.code === 0 ? { kind, version, commit: head.stdout.trim() } : { kind, version };
}

/**
 * Compares two `major.minor.patch[-pre]` versions: negative when `a` is older.
 * A pre-release is older than its release.
 */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = '', pre] = v.replace(/^v/, '').split('-', 2);
    return { parts: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const diff = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre.localeCompare(y.pre, 'en', { numeric: true });
}

/** Asks the registry for `<registry>/hermes-gateway/latest`. */
export async function latestFromRegistry(
  running: string,
  deps: Pick<UpdateDeps, 'registry' | 'fetch'>,
): Promise<AvailableVersion> {
  const url = `${deps.registry}/${PACKAGE_NAME}/latest`;
  try {
    const response = await deps.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) {
      return { kind: 'unknown', reason: `the npm registry answered ${response.status} for ${url}` };
    }
    const body = (await response.json()) as { version?: unknown };
    if (typeof body.version !== 'string') {
      return { kind: 'unknown', reason: `the npm registry gave no version at ${url}` };
    }
    return { kind: 'npm', latest: body.version, newer: compareVersions(body.version, running) > 0 };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return { kind: 'unknown', reason: `the npm registry at ${deps.registry} cannot be reached (${cause})` };
  }
}

/** Fetches the checkout's upstream and counts the commits HEAD is behind it. */
export async function latestFromGit(deps: Pick<UpdateDeps, 'root' | 'run'>): Promise<AvailableVersion> {
  const git = (...args: string[]) => deps.run('git', args, { cwd: deps.root });
  const upstream = await git('rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}');
  if (upstream.code !== 0) {
    return { kind: 'unknown', reason: 'this checkout has no upstream branch (set one with git branch -u)' };
  }
  const fetched = await git('fetch', '--quiet');
  if (fetched.code !== 0) {
    return { kind: 'unknown', reason: `git fetch failed: ${lastLines(fetched.stderr) || 'no output'}` };
  }
  const behind = await git('rev-list', '--count', 'HEAD..@{u}');
  const commit = await git('rev-parse', '--short', '@{u}');
  if (behind.code !== 0 || commit.code !== 0) {
    return { kind: 'unknown', reason: `git cannot compare with ${upstream.stdout.trim()}` };
  }
  const pkg = await git('show', '@{u}:package.json');
  let version: string | undefined;
  try {
    version = pkg.code === 0 ? (JSON.parse(pkg.stdout) as { version?: string }).version : undefined;
  } catch {
    version = undefined;
  }
  return {
    kind: 'git',
    upstream: upstream.stdout.trim(),
    behind: Number.parseInt(behind.stdout.trim(), 10) || 0,
    commit: commit.stdout.trim(),
    ...(version ? { version } : {}),
  };
}

/** The newest version for this kind of install. */
export function availableVersion(running: RunningVersion, deps: UpdateDeps): Promise<AvailableVersion> {
  return running.kind === 'git' ? latestFromGit(deps) : latestFromRegistry(running.version, deps);
}

/** `hermes-gateway 0.1.0 (git abc1234)` */
export function describeRunning(running: RunningVersion): string {
  const where =
    running.kind === 'git'
      ? `git checkout${running.commit ? ` at ${running.commit}` : ''}`
      : running.kind === 'npx'
        ? 'npx cache'
        : 'npm install';
  return `Running: ${PACKAGE_NAME} ${running.version} (${where})`;
}

/** One line about the newest version. */
export function describeAvailable(available: AvailableVersion): string {
  switch (available.kind) {
    case 'npm':
      return available.newer
        ? `Newest: ${available.latest} on npm — an update is available.`
        : `Newest: ${available.latest} on npm — up to date.`;
    case 'git': {
      const at = `${available.upstream} at ${available.commit}${available.version ? ` (${available.version})` : ''}`;
      if (available.behind === 0) return `Newest: ${at} — up to date.`;
      const s = available.behind === 1 ? '' : 's';
      return `Newest: ${at} — ${available.behind} commit${s} behind.`;
    }
    case 'unknown':
      return `Newest: unknown — ${available.reason}.`;
  }
}
