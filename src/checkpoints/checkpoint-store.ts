/**
 * File-system checkpoints of the agent's working directory: taken before the
 * agent changes files, listed and restored with `/rollback`. They live in a
 * shadow git repository under `$HERMES_HOME/checkpoints/<hash of the directory>/`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { CheckpointError } from './checkpoint-error.ts';
import type { CheckpointsConfig } from './checkpoints-config.ts';
import { type ShadowChange, type ShadowCommit, ShadowRepo } from './shadow-repo.ts';

/** One checkpoint as `/rollback` lists it. */
export interface Checkpoint {
  /** 1 = the newest. */
  number: number;
  /** Full commit id in the shadow repository. */
  id: string;
  /** Epoch ms when it was taken. */
  time: number;
  /** The user message of the turn it was taken for. */
  summary: string;
  /** The session it was taken for (empty when unknown). */
  sessionKey: string;
  /** What changed in the working directory since it was taken. */
  changedSince: ShadowChange[];
}

/** Why checkpoints are off, when they are. */
export type CheckpointsOff = { reason: 'disabled' } | { reason: 'no-git'; gitPath: string };

/** Options of the checkpoint store. */
export interface CheckpointStoreOptions {
  /** `$HERMES_HOME`: checkpoints go to its `checkpoints/` folder. */
  home: string;
  /** The directory the agent's commands run in. */
  workDir: string;
  /** The `checkpoints` section of config.yaml. */
  config: CheckpointsConfig;
  /** The git executable (default `git`). */
  gitPath?: string;
  /** The current time, epoch ms. */
  now?: () => number;
}

/** The longest summary kept in a checkpoint. */
export const SUMMARY_MAX_CHARS = 80;

const SESSION_TRAILER = 'Session: ';

/** The shadow repository folder of a working directory inside `home`. */
export function shadowDirOf(home: string, workDir: string): string {
  const hash = createHash('sha256').update(resolve(workDir)).digest('hex').slice(0, 16);
  return join(home, 'checkpoints', hash);
}

/** Whether `gitPath` runs (`git --version` succeeds). */
export function gitInstalled(gitPath = 'git'): Promise<boolean> {
  return new Promise((done) => {
    execFile(gitPath, ['--version'], (error) => done(!error));
  });
}

/** One line of at most `SUMMARY_MAX_CHARS` characters. */
export function summarise(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim() || '(no message)';
  return line.length <= SUMMARY_MAX_CHARS ? line : `${line.slice(0, SUMMARY_MAX_CHARS - 1)}…`;
}

/**
 * The checkpoints of one working directory.
 *
 * @example
 * const store = await CheckpointStore.open({ home, workDir: process.cwd(), config: config.checkpoints });
 * if (store.enabled) await store.take('telegram:dm:1', 'rename the photos');
 */
export class CheckpointStore {
  readonly workDir: string;
  /** Undefined when checkpoints are on. */
  readonly off: CheckpointsOff | undefined;
  readonly #repo: ShadowRepo;
  readonly #config: CheckpointsConfig;
  readonly #now: () => number;
  #ready: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: CheckpointStoreOptions, off: CheckpointsOff | undefined) {
    this.workDir = resolve(options.workDir);
    this.off = off;
    this.#config = options.config;
    this.#now = options.now ?? Date.now;
    this.#repo = new ShadowRepo({
      gitDir: shadowDirOf(options.home, this.workDir),
      workDir: this.workDir,
      ...(options.gitPath ? { gitPath: options.gitPath } : {}),
    });
  }

  /** Opens the store: off when `checkpoints.enabled` is false or git does not run. */
  static async open(options: CheckpointStoreOptions): Promise<CheckpointStore> {
    const gitPath = options.gitPath ?? 'git';
    if (options.config.enabled === false) return new CheckpointStore(options, { reason: 'disabled' });
    if (!(await gitInstalled(gitPath))) return new CheckpointStore(options, { reason: 'no-git', gitPath });
    return new CheckpointStore(options, undefined);
  }

  /** Whether checkpoints are taken. */
  get enabled(): boolean {
    return this.off === undefined;
  }

  /** The shadow repository's folder. */
  get shadowDir(): string {
    return this.#repo.gitDir;
  }

  /**
   * Records the working directory for `sessionKey` with the turn's `summary`;
   * returns the commit id, or undefined when nothing changed since the last
   * checkpoint, checkpoints are off, or the directory holds more than `max_files`.
   * Prunes by count and age afterwards.
   */
  take(sessionKey: string, summary: string): Promise<string | undefined> {
    return this.#serial(async () => {
      if (!this.enabled) return undefined;
      await this.#init();
      if ((await this.#repo.countFiles()) > this.#config.max_files) return undefined;
      const now = this.#now();
      const message = `${summarise(summary)}\n\n${SESSION_TRAILER}${sessionKey}\nTime: ${new Date(now).toISOString()}`;
      const id = await this.#repo.snapshot(message, now);
      if (id) await this.#prune();
      return id;
    });
  }

  /** Every checkpoint, newest first, with what changed since each. */
  list(): Promise<Checkpoint[]> {
    return this.#serial(async () => {
      if (!this.enabled) return [];
      await this.#init();
      const commits = await this.#repo.list();
      if (commits.length === 0) return [];
      const now = await this.#repo.currentTree();
      return Promise.all(commits.map(async (c, i) => this.#view(c, i, now)));
    });
  }

  /**
   * Restores checkpoint `id` (a full id from `list()`): first records the
   * current state as a checkpoint, so the rollback can itself be rolled back,
   * then makes the working directory hold the checkpoint's files.
   * Returns the checkpoint taken before restoring (undefined when nothing had changed).
   *
   * @throws CheckpointError when `id` is not a checkpoint of this directory.
   */
  restore(id: string, sessionKey: string): Promise<string | undefined> {
    return this.#serial(async () => {
      if (!this.enabled) throw new CheckpointError('Checkpoints are off', { workDir: this.workDir });
      await this.#init();
      const known = (await this.#repo.list()).find((c) => c.id === id);
      if (!known) throw new CheckpointError(`No checkpoint ${id.slice(0, 8)} in ${this.workDir}`, { id });
      const when = new Date(known.time).toISOString();
      const message = `Before rolling back to ${id.slice(0, 8)} (${when})\n\n${SESSION_TRAILER}${sessionKey}\nTime: ${new Date(this.#now()).toISOString()}`;
      const before = await this.#repo.snapshot(message, this.#now());
      await this.#repo.checkout(id);
      return before;
    });
  }

  async #view(commit: ShadowCommit, index: number, nowTree: string): Promise<Checkpoint> {
    const trailer = commit.message.split('\n').find((line) => line.startsWith(SESSION_TRAILER));
    return {
      number: index + 1,
      id: commit.id,
      time: commit.time,
      summary: commit.summary,
      sessionKey: trailer ? trailer.slice(SESSION_TRAILER.length) : '',
      changedSince: await this.#repo.changes(commit.id, nowTree),
    };
  }

  async #prune(): Promise<void> {
    const oldest = this.#now() - this.#config.max_age_days * 86_400_000;
    // the newest checkpoint is always kept
    await this.#repo.prune((c, i) => i === 0 || (i < this.#config.max_count && c.time >= oldest));
  }

  #init(): Promise<void> {
    this.#ready ??= this.#repo.init().catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  /** Runs git work one at a time: snapshots, lists and restores never interleave. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
