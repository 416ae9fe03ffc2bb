/**
 * The media store: files by content hash, a size cap, and the retention sweep.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.ts';
import { MediaStore } from '../../src/media/media-store.ts';

const DAY = 86_400_000;
let dir: string;
let clock: number;

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'hermes-media-')), 'media');
  clock = Date.UTC(2030, 0, 10);
});

afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const store = (options: { maxBytes?: number; retentionDays?: number } = {}) =>
  new MediaStore({ dir, now: () => clock, ...options });

describe('media store', () => {
  it('stores bytes under their content hash with the type extension, once for the same bytes', async () => {
    const media = store();
    const first = await media.put(Buffer.from('hello'), 'text/plain', 'a.txt');
    const again = await media.put(Buffer.from('hello'), 'text/plain', 'b.txt');
    expect(first.mediaId).toMatch(/^[0-9a-f]{40}\.txt$/);
    expect(again.mediaId).toBe(first.mediaId);
    expect(first.path).toBe(join(dir, first.mediaId));
    expect(readdirSync(dir)).toEqual([first.mediaId]);
    expect((await media.read(first.mediaId))?.toString()).toBe('hello');
    expect(await media.has(first.mediaId)).toBe(true);
  });

  it('refuses bytes over the cap with GATEWAY_ERR_MEDIA and writes nothing', async () => {
    const media = store({ maxBytes: 4 });
    const error = await media.put(Buffer.from('12345'), 'text/plain', 'big.txt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('GATEWAY_ERR_MEDIA');
    expect((error as GatewayError).message).toBe('big.txt is 5 B; the limit is 4 B');
    expect(existsSync(dir)).toBe(false);
  });

  it('answers nothing for ids that are not media ids (no path outside the folder)', async () => {
    const media = store();
    expect(media.pathOf('../state.db')).toBeUndefined();
    expect(await media.read('../../etc/passwd')).toBeUndefined();
    expect(await media.has('0'.repeat(40))).toBe(false);
  });

  it('the sweep removes files stored longer ago than the retention, and keeps the others', async () => {
    const media = store({ retentionDays: 7 });
    const old = await media.put(Buffer.from('old'), 'text/plain');
    const used = await media.put(Buffer.from('used again'), 'text/plain');
    const fresh = await media.put(Buffer.from('fresh'), 'text/plain');
    const eightDaysAgo = (clock - 8 * DAY) / 1000;
    utimesSync(old.path, eightDaysAgo, eightDaysAgo);
    utimesSync(used.path, eightDaysAgo, eightDaysAgo);
    writeFileSync(join(dir, 'notes-of-the-operator.txt'), 'not ours');
    utimesSync(join(dir, 'notes-of-the-operator.txt'), eightDaysAgo, eightDaysAgo);
    // storing the same bytes again renews the file
    await media.put(Buffer.from('used again'), 'text/plain');

    expect(await media.sweep()).toBe(1);
    expect(await media.has(old.mediaId)).toBe(false);
    expect(await media.has(used.mediaId)).toBe(true);
    expect(await media.has(fresh.mediaId)).toBe(true);
    expect(existsSync(join(dir, 'notes-of-the-operator.txt'))).toBe(true);
  });

  it('a sweep of a folder that does not exist yet removes nothing', async () => {
    expect(await store().sweep()).toBe(0);
  });
});
