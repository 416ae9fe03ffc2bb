/**
 * The adapter's small memory, kept in `<HERMES_HOME>/email/state.json` when a
 * folder is given: where in the inbox it stopped (UIDVALIDITY and the last
 * processed UID) and, per thread, the subject and references its replies need.
 * Without a folder it lives in memory only.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ThreadInfo } from './inbound-mail.ts';

/** Threads remembered at most (the least recently used are forgotten first). */
const MAX_THREADS = 1000;

interface StateFile {
  version: 1;
  /** UIDVALIDITY of INBOX when `lastUid` was taken (UIDs are only comparable within it). */
  uidValidity?: string;
  lastUid?: number;
  /** Thread root Message-ID → what replies in it need, oldest first. */
  threads: Record<string, ThreadInfo>;
}

/** The email adapter's persisted position and thread memory. */
export class EmailState {
  readonly #file: string | undefined;
  #data: StateFile = { version: 1, threads: {} };

  /** @param dir folder for `state.json`; memory only when undefined */
  constructor(dir: string | undefined) {
    this.#file = dir ? join(dir, 'state.json') : undefined;
    if (!this.#file) return;
    try {
      const parsed = JSON.parse(readFileSync(this.#file, 'utf8')) as Partial<StateFile>;
      if (parsed.version === 1) this.#data = { ...parsed, version: 1, threads: parsed.threads ?? {} };
    } catch {
      // no state yet (first start) or unreadable: start fresh
    }
  }

  /** The last processed UID, when it belongs to this UIDVALIDITY. */
  lastUid(uidValidity: string): number | undefined {
    return this.#data.uidValidity === uidValidity ? this.#data.lastUid : undefined;
  }

  setLastUid(uidValidity: string, uid: number): void {
    this.#data.uidValidity = uidValidity;
    this.#data.lastUid = uid;
    this.#save();
  }

  thread(root: string): ThreadInfo | undefined {
    return this.#data.threads[root];
  }

  setThread(root: string, info: ThreadInfo): void {
    const threads = this.#data.threads;
    delete threads[root];
    threads[root] = info;
    const roots = Object.keys(threads);
    for (const old of roots.slice(0, Math.max(0, roots.length - MAX_THREADS))) delete threads[old];
    this.#save();
  }

  #save(): void {
    if (!this.#file) return;
    mkdirSync(join(this.#file, '..'), { recursive: true });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#data), { mode: 0o600 });
    renameSync(tmp, this.#file);
  }
}
