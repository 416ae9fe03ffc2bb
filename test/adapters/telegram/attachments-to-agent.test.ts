/**
 * Files between a Telegram user and the agent, end to end: the fake Bot API,
 * the Telegram adapter, the gateway on a SQLite file, the OpenAI-compatible
 * backend and the fake model server. A photo reaches the model as an
 * `image_url` part (also when it waited in the queue across a restart), a text
 * file is inlined, an oversize file is described instead of stored, a voice
 * note is transcribed once, and a file the agent makes arrives in the chat.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TelegramAdapter, Transcriber } from '../../../src/adapters/telegram/index.ts';
import type { Agent } from '../../../src/agent/agent.ts';
import { createOpenAIAgent } from '../../../src/agent/openai-agent.ts';
import { createTerminalTool } from '../../../src/agent/tools/terminal.ts';
import { createTranscriber } from '../../../src/agent/transcribe.ts';
import { createSqliteStore } from '../../../src/persistence/sqlite-store.ts';
import type { Store } from '../../../src/persistence/store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../../src/runtime/create-gateway.ts';
import {
  type FakeModelServer,
  type RecordedMessage,
  startFakeModelServer,
} from '../../fakes/fake-model-server.ts';
import { adapterFor, createTelegramWorld, type TelegramWorld } from './harness.ts';
import { botMessages, DM_CHAT, userPosts } from './telegram-peer.ts';

/** A real JPEG header, then some bytes. */
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF cat pixels'),
]);
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('chart'),
]);
const OGG = Buffer.from('OggS\u0000\u0002 a tiny opus voice note');

let world: TelegramWorld;
let model: FakeModelServer;
let dir: string;
let workDir: string;
const running: { gateway: Gateway; adapter: TelegramAdapter; store: Store }[] = [];

beforeEach(async () => {
  world = await createTelegramWorld();
  dir = mkdtempSync(join(tmpdir(), 'hermes-tg-files-'));
  workDir = join(dir, 'work');
  mkdirSync(workDir);
});

afterEach(async () => {
  for (const life of running.splice(0)) await stop(life);
  await model?.close();
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

function openaiAgent(): Agent {
  return createOpenAIAgent({
    baseURL: model.url,
    apiKey: 'model-key',
    model: 'fake-model',
    maxRetries: 0,
    tools: [createTerminalTool({ cwd: workDir })],
  });
}

/** One gateway life on the state file of this test, with the Telegram adapter on the fake. */
async function startLife(
  options: Partial<GatewayOptions> & { adapterOptions?: Parameters<typeof adapterFor>[1] } = {},
) {
  const { adapterOptions, ...rest } = options;
  const adapter = adapterFor(world.api, adapterOptions);
  const store = createSqliteStore({ path: join(dir, 'state.db') });
  const gateway = createGateway({
    store,
    agent: openaiAgent(),
    adapters: [adapter],
    media: { dir: join(dir, 'media'), sendFrom: [workDir] },
    ...rest,
  });
  await gateway.start();
  const life = { gateway, adapter, store };
  running.push(life);
  return life;
}

async function stop(life: { gateway: Gateway; adapter: TelegramAdapter; store: Store }) {
  const i = running.indexOf(life);
  if (i >= 0) running.splice(i, 1);
  await life.gateway.stop();
  await life.adapter.stop();
  await life.store.close();
}

const seen = () => botMessages(world.api, DM_CHAT.id);
const waitForText = (text: string) =>
  vi.waitFor(() => expect(seen().map((m) => m.text)).toContain(text), { timeout: 10_000 });

/** The last user message of the n-th model request. */
function lastUserMessage(n: number): RecordedMessage {
  const request = model.requests[n];
  if (!request) throw new Error(`no model request #${n} (${model.requests.length} made)`);
  const users = request.messages.filter((m) => m.role === 'user');
  return users.at(-1)!;
}

describe('files from a Telegram user reach the agent', () => {
  it('a photo reaches the model as an image_url part with a data URL of its bytes', async () => {
    model = await startFakeModelServer();
    model.script({ kind: 'text', text: 'A tabby cat on a sofa.' });
    await startLife();

    await userPosts(world.api, world.dm, 'what is on this photo?', {
      file: { kind: 'image', fileName: 'cat.jpg', mimeType: 'image/jpeg', data: JPEG },
    });
    await waitForText('A tabby cat on a sofa.');

    expect(lastUserMessage(0).content).toEqual([
      { type: 'text', text: 'what is on this photo?' },
      { type: 'text', text: expect.stringMatching(/^Attached image \S+ \(image\/jpeg, 21 B\), saved at /) },
      { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${JPEG.toString('base64')}` } },
    ]);
  });

  it('a photo queued while the agent was busy reaches the model after a restart', async () => {
    model = await startFakeModelServer();
    // the first answer never finishes by itself: the gateway stops while it streams
    model.script({ kind: 'text', text: 'Chapter one of a very long essay', chunks: 6, delayMs: 60_000 });
    const first = await startLife({ settings: { busyInputMode: 'queue' } });

    await userPosts(world.api, world.dm, 'write me a long essay');
    await vi.waitFor(() => expect(model.requests).toHaveLength(1), { timeout: 10_000 });
    await userPosts(world.api, world.dm, 'and tell me what is on this photo', {
      file: { kind: 'image', fileName: 'cat.jpg', mimeType: 'image/jpeg', data: JPEG },
    });
    await vi.waitFor(
      async () => expect((await first.gateway.session('telegram:dm:1001'))?.context.queue).toHaveLength(1),
      { timeout: 10_000 },
    );
    await stop(first);

    // the queued message is in the session's row by reference: the photo's bytes are not
    const probe = createSqliteStore({ path: join(dir, 'state.db') });
    const row = await probe.actors.load('telegram:dm:1001');
    await probe.close();
    const persisted = JSON.stringify(row?.snapshot);
    expect(persisted).toContain('"kind":"image"');
    expect(persisted).not.toContain(JPEG.toString('base64'));

    model.script({ kind: 'text', text: 'I am back.' }, { kind: 'text', text: 'A tabby cat.' });
    await startLife({ settings: { busyInputMode: 'queue' } });
    await userPosts(world.api, world.dm, 'are you back?');
    await waitForText('A tabby cat.');

    expect(model.requests).toHaveLength(3);
    const photoTurn = lastUserMessage(2).content as { type: string; image_url?: { url: string } }[];
    expect(photoTurn[0]).toEqual({ type: 'text', text: 'and tell me what is on this photo' });
    expect(photoTurn.find((p) => p.type === 'image_url')?.image_url?.url).toBe(
      `data:image/jpeg;base64,${JPEG.toString('base64')}`,
    );
  });

  it('a text file is inlined; a file over the size cap is described to the agent as too large', async () => {
    model = await startFakeModelServer();
    model.script({ kind: 'text', text: 'Noted.' }, { kind: 'text', text: 'Too big for me.' });
    await startLife({ media: { dir: join(dir, 'media'), sendFrom: [workDir], maxBytes: 1024 } });

    await userPosts(world.api, world.dm, 'read my notes', {
      file: {
        kind: 'file',
        fileName: 'notes.md',
        mimeType: 'text/markdown',
        data: Buffer.from('# Plan\n- ship'),
      },
    });
    await waitForText('Noted.');
    const notes = lastUserMessage(0).content as string;
    const stored = /saved at (\S+)\n/.exec(notes)?.[1];
    expect(stored?.startsWith(join(dir, 'media'))).toBe(true);
    expect(notes).toBe(
      `read my notes\n\nAttached file notes.md (text/markdown, 13 B), saved at ${stored}\n` +
        'Its content:\n```\n# Plan\n- ship\n```',
    );

    await userPosts(world.api, world.dm, 'summarise this export', {
      file: { kind: 'file', fileName: 'export.csv', mimeType: 'text/csv', data: Buffer.alloc(4096, 'a') },
    });
    await waitForText('Too big for me.');
    expect(lastUserMessage(1).content).toBe(
      'summarise this export\n\nAttached file export.csv (text/csv, 4 KB) was not received: ' +
        'the file is 4 KB, over the limit of 1 KB',
    );
  });

  it('a voice note is transcribed once: by the gateway, or by the adapter when it does it itself', async () => {
    model = await startFakeModelServer({ transcript: 'remind me to water the plants' });
    model.script({ kind: 'text', text: 'Reminder set.' }, { kind: 'text', text: 'Set again.' });
    const transcribe = createTranscriber({ baseURL: model.url, model: 'whisper-1' });
    const first = await startLife({ transcribe });

    await userPosts(world.api, world.dm, '', {
      file: { kind: 'voice', fileName: 'voice.ogg', mimeType: 'audio/ogg', data: OGG },
    });
    await waitForText('Reminder set.');
    expect(model.transcriptions).toHaveLength(1);
    expect(lastUserMessage(0).content).toMatch(
      /^remind me to water the plants\n\nAttached voice note \S+\.ogg \(audio\/ogg, 29 B\), transcribed into the message text, saved at /,
    );
    await stop(first);

    // Telegram's adapter transcribing itself (as `hermes gateway` sets it up): the gateway does not do it again
    const heard: string[] = [];
    const adapterTranscriber: Transcriber = async (audio) => {
      heard.push(audio.fileName);
      return 'water the plants again';
    };
    await startLife({ transcribe, adapterOptions: { transcribe: adapterTranscriber } });
    await userPosts(world.api, world.dm, '', {
      file: { kind: 'voice', fileName: 'voice.ogg', mimeType: 'audio/ogg', data: OGG },
    });
    await waitForText('Set again.');
    expect(heard).toHaveLength(1);
    expect(model.transcriptions).toHaveLength(1);
    expect(lastUserMessage(1).content).toMatch(/^water the plants again\n\nAttached voice note /);
  });
});

describe('files the agent makes reach the Telegram user', () => {
  it('a file the agent wrote and named with a MEDIA: line is sent as a document, an image as a photo', async () => {
    model = await startFakeModelServer();
    model.script(
      {
        kind: 'tool_calls',
        calls: [
          {
            name: 'terminal',
            arguments: JSON.stringify({ command: "printf 'city,temp\\nLisbon,24\\n' > report.csv" }),
          },
        ],
      },
      {
        kind: 'text',
        text: 'Here is the report.\nMEDIA:report.csv\nAnd the chart:\nMEDIA:' + join(workDir, 'chart.png'),
      },
    );
    writeFileSync(join(workDir, 'chart.png'), PNG);
    await startLife();

    await userPosts(world.api, world.dm, 'make me a weather report with a chart');
    await vi.waitFor(() => expect(seen().flatMap((m) => m.files)).toHaveLength(2), { timeout: 10_000 });

    const files = seen().flatMap((m) => m.files);
    expect(files.map((f) => [f.kind, f.fileName, f.data.toString()])).toEqual([
      ['file', 'report.csv', 'city,temp\nLisbon,24\n'],
      ['image', expect.any(String), PNG.toString()],
    ]);
    expect(world.api.callsOf('sendDocument')).toHaveLength(1);
    expect(world.api.callsOf('sendPhoto')).toHaveLength(1);
    // the user reads the answer without the MEDIA: lines
    expect(seen().map((m) => m.text)).toContain('Here is the report.\nAnd the chart:');
    // the agent was told how to send files
    expect(
      model.requests[0]?.messages.some((m) => m.role === 'system' && String(m.content).includes('MEDIA:')),
    ).toBe(true);
  });

  it('a file outside the allowed folders is not sent; the reply says so', async () => {
    model = await startFakeModelServer();
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'do not send');
    model.script({ kind: 'text', text: `Sure.\nMEDIA:${secret}` });
    await startLife();

    await userPosts(world.api, world.dm, 'send me the secret');
    await waitForText(
      'Sure.\n\n⚠️ Could not send secret.txt: files can only be sent from the working directory or the media folder.',
    );
    expect(seen().flatMap((m) => m.files)).toEqual([]);
  });
});
