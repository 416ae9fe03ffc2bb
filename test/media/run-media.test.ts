/**
 * Files in an agent run: what the agent receives for a message's references
 * on a platform (its capability flags honoured), and which files named by
 * `MEDIA:` lines go out with the reply.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AdapterCapabilities, NO_CAPABILITIES } from '../../src/adapters/contract.ts';
import { MediaStore } from '../../src/media/media-store.ts';
import { RunMedia, takeMediaLines } from '../../src/media/run-media.ts';

let root: string;
let work: string;
let media: MediaStore;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('px')]);

const CHAT: AdapterCapabilities = { ...NO_CAPABILITIES, images: true, files: true, voice: true };
const PLATFORMS: Record<string, AdapterCapabilities> = {
  chat: CHAT,
  textonly: NO_CAPABILITIES,
  imagesonly: { ...NO_CAPABILITIES, images: true },
  api: { ...NO_CAPABILITIES, images: true, headless: true },
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hermes-run-media-'));
  work = join(root, 'work');
  mkdirSync(work);
  media = new MediaStore({ dir: join(root, 'media'), maxBytes: 1024 });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const files = () => new RunMedia({ media, capabilities: (p) => PLATFORMS[p], sendFrom: [work] });

describe('MEDIA: lines', () => {
  it('takes whole lines only, with or without quotes, and leaves the rest of the text', () => {
    expect(
      takeMediaLines('Here it is.\n\nMEDIA: `/w/a.csv`\n\nMEDIA:"b.png"\nBye. MEDIA:/not/a/line'),
    ).toEqual({
      text: 'Here it is.\n\nBye. MEDIA:/not/a/line',
      paths: ['/w/a.csv', 'b.png'],
    });
    expect(takeMediaLines('nothing here')).toEqual({ text: 'nothing here', paths: [] });
  });
});

describe('files the agent receives', () => {
  it('honours the platform: images and voice notes are files where it does not declare them', async () => {
    const { mediaId } = await media.put(PNG, 'image/png', 'dot.png');
    const refs = [
      { kind: 'image' as const, mediaId, mimeType: 'image/png', fileName: 'dot.png', sizeBytes: 10 },
    ];
    expect(await files().attachmentsFor(refs, 'chat')).toEqual([
      {
        kind: 'image',
        mimeType: 'image/png',
        fileName: 'dot.png',
        sizeBytes: 10,
        path: media.pathOf(mediaId),
      },
    ]);
    expect((await files().attachmentsFor(refs, 'textonly'))[0]?.kind).toBe('file');
    const voice = [{ kind: 'voice' as const, mediaId, mimeType: 'audio/ogg' }];
    expect((await files().attachmentsFor(voice, 'textonly'))[0]).toMatchObject({
      kind: 'file',
      fileName: 'voice.ogg',
    });
  });

  it('says why a file is missing: not received, or removed after the retention time', async () => {
    const refs = [
      { kind: 'file' as const, mimeType: 'text/csv', fileName: 'big.csv', unavailable: 'the file is 5 MB' },
      { kind: 'file' as const, mediaId: `${'a'.repeat(40)}.csv`, mimeType: 'text/csv', fileName: 'gone.csv' },
    ];
    expect(await files().attachmentsFor(refs, 'chat')).toEqual([
      { kind: 'file', mimeType: 'text/csv', fileName: 'big.csv', unavailable: 'the file is 5 MB' },
      {
        kind: 'file',
        mimeType: 'text/csv',
        fileName: 'gone.csv',
        unavailable: 'its stored copy is gone (removed after the retention time)',
      },
    ]);
  });
});

describe('files the agent sends', () => {
  it('attaches files from the working directory (relative or absolute), copied to the media folder', async () => {
    writeFileSync(join(work, 'report.csv'), 'a,b\n');
    writeFileSync(join(work, 'chart.png'), PNG);
    const out = await files().outbound(
      `Done.\nMEDIA:report.csv\nMEDIA:${join(work, 'chart.png')}`,
      [],
      'chat',
    );
    expect(out.text).toBe('Done.');
    expect(out.attachments).toEqual([
      {
        kind: 'file',
        url: expect.stringMatching(new RegExp(`^${join(root, 'media')}/[0-9a-f]{40}\\.csv$`)),
        mimeType: 'text/csv',
        fileName: 'report.csv',
        sizeBytes: 4,
      },
      {
        kind: 'image',
        url: expect.stringMatching(/\.png$/),
        mimeType: 'image/png',
        fileName: 'chart.png',
        sizeBytes: PNG.length,
      },
    ]);
  });

  it('also sends a file a tool result names, once even when the answer names it too', async () => {
    writeFileSync(join(work, 'speech.ogg'), 'OggS voice');
    const out = await files().outbound('Listen.\nMEDIA:speech.ogg', ['MEDIA:speech.ogg'], 'chat');
    expect(out.attachments.map((a) => a.fileName)).toEqual(['speech.ogg']);
    const fromTool = await files().outbound(
      'Here you go.',
      [`saved\nMEDIA:${join(work, 'speech.ogg')}`],
      'chat',
    );
    expect(fromTool).toMatchObject({ text: 'Here you go.', attachments: [{ fileName: 'speech.ogg' }] });
  });

  it('refuses files outside the allowed folders (symlinks too), missing, too large or unsendable, saying why', async () => {
    const outside = join(root, 'secret.txt');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, join(work, 'link.txt'));
    writeFileSync(join(work, 'big.bin'), Buffer.alloc(2048));
    writeFileSync(join(work, 'notes.txt'), 'n');
    const answer = [
      'Tried.',
      `MEDIA:${outside}`,
      'MEDIA:link.txt',
      'MEDIA:nope.txt',
      'MEDIA:big.bin',
      'MEDIA:../secret.txt',
    ].join('\n');
    const out = await files().outbound(answer, [], 'chat');
    expect(out.attachments).toEqual([]);
    expect(out.text).toBe(
      [
        'Tried.',
        '⚠️ Could not send secret.txt: files can only be sent from the working directory or the media folder.',
        '⚠️ Could not send link.txt: files can only be sent from the working directory or the media folder.',
        '⚠️ Could not send nope.txt: there is no such file.',
        '⚠️ Could not send big.bin: it is 2 KB, over the limit of 1 KB.',
      ].join('\n\n'),
    );
    const textOnly = await files().outbound('See.\nMEDIA:notes.txt', [], 'textonly');
    expect(textOnly).toEqual({
      text: 'See.\n\n⚠️ Could not send notes.txt: this platform cannot receive files.',
      attachments: [],
    });
    writeFileSync(join(work, 'dot.png'), PNG);
    const imagesOnly = await files().outbound('MEDIA:dot.png\nMEDIA:notes.txt', [], 'imagesonly');
    expect(imagesOnly.attachments.map((a) => a.kind)).toEqual(['image']);
  });

  it('leaves the text of a headless platform (the API server) as the agent wrote it', async () => {
    writeFileSync(join(work, 'notes.txt'), 'n');
    expect(await files().outbound('MEDIA:notes.txt', [], 'api')).toEqual({
      text: 'MEDIA:notes.txt',
      attachments: [],
    });
    expect(files().sendingNote('api')).toBeUndefined();
    expect(files().sendingNote('textonly')).toBeUndefined();
    expect(files().sendingNote('chat')).toContain('MEDIA:/absolute/path/to/file');
  });
});
