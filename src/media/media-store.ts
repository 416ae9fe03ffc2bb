/**
 * The media store: the folder where the gateway keeps the files of messages,
 * both ways (`$HERMES_HOME/media` for `hermes gateway`). Each file is named by
 * the hash of its content plus an extension, so the same file sent twice is
 * stored once, and sessions keep only that name (`mediaId`). Files larger than
 * the cap are refused; files stored more than `retentionDays` ago (storing the same
 * bytes again renews a file) are removed by a sweep
 * at start and every hour.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateDirAsync } from '../config/private-home.ts';
import { GatewayError } from '../errors.ts';
import { extensionOf, formatBytes } from './mime-types.ts';

/** Largest file the gateway stores by default (20 MB, Telegram's limit for bots). */
export const DEFAULT_MEDIA_MAX_BYTES = 20 * 1024 * 1024;
/** Days a stored file is kept after it was last stored, by default. */
export const DEFAULT_MEDIA_RETENTION_DAYS = 7;
/** How often the retention sweep runs while the gateway runs. */
export const MEDIA_SWEEP_INTERVAL_MS = 3_600_000;

/** The media folder of a gateway that is given none: per user, under the system's temp folder. */
export function defaultMediaDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return join(tmpdir(), uid === undefined ? 'hermes-media' : `hermes-media-${uid}`);
}

/** Options of the media store. */
export interface MediaStoreOptions {
  /** The folder (created when the first file is stored). */
  dir: string;
  /** Largest file stored, in bytes (default 20 MB). */
  maxBytes?: number;
  /** Files stored more than this many days ago are removed by the sweep (default 7). */
  retentionDays?: number;
  /** Clock (epoch ms). */
  now?: () => number;
}

/** A stored file. */
export interface StoredMedia {
  mediaId: string;
  /** Absolute path of the stored file. */
  path: string;
  sizeBytes: number;
}

const MEDIA_ID = /^[0-9a-f]{40}\.[a-z0-9]{1,8}$/;
const TEMP_FILE = /\.tmp$/;

/**
 * Keeps files by content hash in one folder.
 *
 * @example
 * const media = new MediaStore({ dir: join(home, 'media') });
 * const { mediaId } = await media.put(bytes, 'image/jpeg');
 * const again = await media.read(mediaId);
 */
export class MediaStore {
  readonly dir: string;
  readonly maxBytes: number;
  readonly retentionDays: number;
  readonly #now: () => number;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: MediaStoreOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES;
    this.retentionDays = options.retentionDays ?? DEFAULT_MEDIA_RETENTION_DAYS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Stores bytes and returns their id. Storing the same bytes again refreshes
   * the file's age instead of writing it twice.
   *
   * @throws GatewayError `GATEWAY_ERR_MEDIA` when the bytes are over the cap.
   */
  async put(data: Uint8Array, mimeType: string, fileName?: string): Promise<StoredMedia> {
    if (data.byteLength > this.maxBytes) throw this.tooLarge(data.byteLength, fileName);
    const hash = createHash('sha256').update(data).digest('hex').slice(0, 40);
    const mediaId = `${hash}.${extensionOf(mimeType, fileName)}`;
    const path = join(this.dir, mediaId);
    await makePrivateDirAsync(this.dir);
    const seconds = this.#now() / 1000;
    try {
      await utimes(path, seconds, seconds);
    } catch {
      // not stored yet: write it whole under a temporary name, then rename (never a half file)
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, data, { mode: 0o600 });
      await rename(temporary, path);
      await utimes(path, seconds, seconds).catch(() => {});
    }
    return { mediaId, path, sizeBytes: data.byteLength };
  }

  /** The path of a stored file's id; undefined for something that is not a media id. */
  pathOf(mediaId: string): string | undefined {
    return MEDIA_ID.test(mediaId) ? join(this.dir, mediaId) : undefined;
  }

  /** The bytes of a stored file, or undefined when it is gone (removed by the sweep) or the id is not one. */
  async read(mediaId: string): Promise<Buffer | undefined> {
    const path = this.pathOf(mediaId);
    if (!path) return undefined;
    try {
      return await readFile(path);
    } catch {
      return undefined;
    }
  }

  /** Whether a stored file is still there. */
  async has(mediaId: string): Promise<boolean> {
    const path = this.pathOf(mediaId);
    if (!path) return false;
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  }

  /** The error for a file over the cap. */
  tooLarge(sizeBytes: number, fileName?: string): GatewayError {
    return new GatewayError(
      'GATEWAY_ERR_MEDIA',
      `${fileName ?? 'The file'} is ${formatBytes(sizeBytes)}; the limit is ${formatBytes(this.maxBytes)}`,
      { sizeBytes, maxBytes: this.maxBytes, ...(fileName ? { fileName } : {}) },
    );
  }

  /**
   * Removes the files not stored (again) for `retentionDays` (and temporary
   * files a crash left). Returns how many were removed.
   */
  async sweep(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    const before = this.#now() - this.retentionDays * 86_400_000;
    let removed = 0;
    for (const name of names) {
      if (!MEDIA_ID.test(name) && !TEMP_FILE.test(name)) continue;
      const path = join(this.dir, name);
      try {
        const info = await stat(path);
        if (!info.isFile() || info.mtimeMs >= before) continue;
        await unlink(path);
        removed++;
      } catch {
        // removed meanwhile
      }
    }
    return removed;
  }

  /** Sweeps now and then every `everyMs` until `stopSweeping()`; failures go to `onError`. */
  startSweeping(onSwept: (removed: number) => void, onError: (error: unknown) => void): void {
    if (this.#sweeper) return;
    const run = () => {
      this.sweep().then(onSwept, onError);
    };
    run();
    this.#sweeper = setInterval(run, MEDIA_SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  /** Stops the periodic sweep. */
  stopSweeping(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
