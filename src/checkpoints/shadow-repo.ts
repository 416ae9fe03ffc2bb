/**
 * A shadow git repository that records snapshots of a working directory
 * without touching the directory's own `.git`: git runs with
 * `--git-dir=<shadow> --work-tree=<workdir>`, ignores every `.git` and the
 * user's `.gitignore` rules, and reads no global or system git configuration.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from './checkpoint-error.ts';

/** One recorded snapshot. */
export interface ShadowCommit {
  /** Full commit id. */
  id: string;
  /** Epoch ms when it was taken. */
  time: number;
  /** The first line of its message. */
  summary: string;
  /** The whole message (summary and trailers). */
  message: string;
}

/** One path that differs between two snapshots, seen from the older one. */
export interface ShadowChange {
  /** `added` since the older snapshot, `modified`, or `deleted` since it. */
  status: 'added' | 'modified' | 'deleted';
  path: string;
}

/** Options of a shadow repository. */
export interface ShadowRepoOptions {
  /** The git executable (default `git`). */
  gitPath?: string;
  /** The shadow repository folder. */
  gitDir: string;
  /** The working directory it records. */
  workDir: string;
}

const IDENTITY = ['-c', 'user.name=Hermes checkpoints', '-c', 'user.email=checkpoints@hermes.invalid'];
const SAFE_CONFIG = ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', '-c', 'core.quotepath=false'];
const RECORD_SEPARATOR = '\x1e';
const FIELD_SEPARATOR = '\x1f';

/**
 * The shadow repository of one working directory.
 *
 * @example
 * const repo = new ShadowRepo({ gitDir: '/home/me/.hermes/checkpoints/ab12', workDir: '/srv/project' });
 * await repo.init();
 * const id = await repo.snapshot('before: rename the files'); // undefined when nothing changed
 */
export class ShadowRepo {
  readonly gitPath: string;
  readonly gitDir: string;
  readonly workDir: string;

  constructor(options: ShadowRepoOptions) {
    this.gitPath = options.gitPath ?? 'git';
    this.gitDir = options.gitDir;
    this.workDir = options.workDir;
  }

  /** Runs git on the shadow repository; resolves with stdout, rejects with `CheckpointError`. */
  async git(args: string[], env: Record<string, string> = {}): Promise<string> {
    const full = [
      `--git-dir=${this.gitDir}`,
      `--work-tree=${this.workDir}`,
      ...IDENTITY,
      ...SAFE_CONFIG,
      ...args,
    ];
    return new Promise((resolve, reject) => {
      execFile(
        this.gitPath,
        full,
        {
          cwd: this.workDir,
          maxBuffer: 64 * 1024 * 1024,
          env: {
            ...process.env,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: '/dev/null',
            GIT_TERMINAL_PROMPT: '0',
            LC_ALL: 'C',
            ...env,
          },
        },
        (error, stdout, stderr) => {
          if (error) {
            const detail = String(stderr).trim() || error.message;
            reject(
              new CheckpointError(
                `git ${args[0]} failed: ${detail}`,
                { args, gitDir: this.gitDir },
                { cause: error },
              ),
            );
            return;
          }
          resolve(String(stdout));
        },
      );
    });
  }

  /** Creates the shadow repository when missing; ignores `.git` everywhere in the working directory. */
  async init(): Promise<void> {
    await mkdir(this.gitDir, { recursive: true });
    await execFileAsync(this.gitPath, ['init', '--quiet', '--bare', this.gitDir]);
    await mkdir(join(this.gitDir, 'info'), { recursive: true });
    await writeFile(join(this.gitDir, 'info', 'exclude'), '.git\n.git/\n');
    await writeFile(join(this.gitDir, 'workdir'), `${this.workDir}\n`);
  }

  /** How many files a snapshot would hold (tracked and new, without ignored ones). */
  async countFiles(): Promise<number> {
    const out = await this.git(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    return out === '' ? 0 : out.split('\0').filter(Boolean).length;
  }

  /** The newest snapshot's id, undefined when there is none. */
  async head(): Promise<string | undefined> {
    try {
      return (await this.git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The tree of the working directory as it is now, recorded without moving anything. */
  async currentTree(): Promise<string> {
    const env = { GIT_INDEX_FILE: join(this.gitDir, 'index.preview') };
    await this.git(['read-tree', '--empty'], env);
    await this.git(['add', '-A', '--', '.'], env);
    return (await this.git(['write-tree'], env)).trim();
  }

  /**
   * Records the working directory as a new snapshot with `message`; returns its
   * id, or undefined when nothing changed since the newest snapshot. `timeMs`
   * dates it (default: the system clock).
   */
  async snapshot(message: string, timeMs?: number): Promise<string | undefined> {
    const tree = await this.currentTree();
    const head = await this.head();
    if (head && (await this.treeOf(head)) === tree) return undefined;
    const args = ['commit-tree', tree, ...(head ? ['-p', head] : []), '-m', message];
    const id = (await this.git(args, timeMs === undefined ? {} : gitDates(timeMs))).trim();
    await this.git(['update-ref', 'HEAD', id]);
    return id;
  }

  /** The tree id of a snapshot. */
  async treeOf(commit: string): Promise<string> {
    return (await this.git(['rev-parse', `${commit}^{tree}`])).trim();
  }

  /** Every snapshot, newest first. */
  async list(): Promise<ShadowCommit[]> {
    if (!(await this.head())) return [];
    const format = ['%H', '%ct', '%s', '%B'].join(FIELD_SEPARATOR) + RECORD_SEPARATOR;
    const out = await this.git(['log', `--format=${format}`, 'HEAD']);
    return out
      .split(RECORD_SEPARATOR)
      .map((record) => record.replace(/^\n/, ''))
      .filter((record) => record.trim() !== '')
      .map((record) => {
        const [id = '', seconds = '0', summary = '', message = ''] = record.split(FIELD_SEPARATOR);
        return { id, time: Number(seconds) * 1000, summary, message: message.trim() };
      });
  }

  /** What differs between a snapshot (older) and a tree or snapshot (newer). */
  async changes(from: string, to: string): Promise<ShadowChange[]> {
    const out = await this.git(['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to]);
    const parts = out.split('\0').filter(Boolean);
    const changes: ShadowChange[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const code = parts[i]!;
      const status = code.startsWith('A') ? 'added' : code.startsWith('D') ? 'deleted' : 'modified';
      changes.push({ status, path: parts[i + 1]! });
    }
    return changes;
  }

  /**
   * Makes the working directory hold exactly the snapshot's files: changed files
   * are restored, deleted ones come back, files recorded in the newest snapshot
   * but absent from this one are removed. Ignored files and `.git` stay as they are.
   * Take a snapshot first so the index holds the current state.
   */
  async checkout(commit: string): Promise<void> {
    const head = await this.head();
    if (head) await this.git(['read-tree', head]);
    await this.git(['read-tree', '-u', '--reset', commit]);
  }

  /**
   * Keeps only the snapshots `keep` selects (newest first list), rewriting the
   * chain with their original dates and messages, then drops the rest for good.
   * Returns how many were removed.
   */
  async prune(keep: (commit: ShadowCommit, index: number) => boolean): Promise<number> {
    const all = await this.list();
    const kept = all.filter(keep);
    if (kept.length === all.length) return 0;
    let parent: string | undefined;
    for (const commit of [...kept].reverse()) {
      const date = `${Math.floor(commit.time / 1000)} +0000`;
      const args = [
        'commit-tree',
        await this.treeOf(commit.id),
        ...(parent ? ['-p', parent] : []),
        '-m',
        commit.message,
      ];
      parent = (await this.git(args, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date })).trim();
    }
    if (parent) await this.git(['update-ref', 'HEAD', parent]);
    else await this.git(['update-ref', '-d', 'HEAD']);
    await this.git(['reflog', 'expire', '--expire=now', '--all']);
    await this.git(['gc', '--prune=now', '--quiet']);
    return all.length - kept.length;
  }
}

/** The environment that dates a commit at `timeMs`. */
function gitDates(timeMs: number): Record<string, string> {
  const date = `${Math.floor(timeMs / 1000)} +0000`;
  return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
}

function execFileAsync(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } },
      (error, _out, stderr) => {
        if (error)
          reject(
            new CheckpointError(
              `git ${args[0]} failed: ${String(stderr).trim() || error.message}`,
              { args },
              { cause: error },
            ),
          );
        else resolve();
      },
    );
  });
}
