/**
 * Attachments through the gateway with any adapter: a download that fails is
 * a note to the agent (the message is still answered), an adapter's capability
 * flags decide what the agent receives, voice notes are transcribed only where
 * the adapter declares voice, and the retention sweep runs at start.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attachment } from '../../src/adapters/contract.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import type { AudioInput } from '../../src/agent/transcribe.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/runtime/create-gateway.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9, 9, 9]);
const photo: Attachment = {
  kind: 'image',
  fileName: 'cat.jpg',
  mimeType: 'image/jpeg',
  dataBase64: JPEG.toString('base64'),
};

let dir: string;
let gateway: Gateway | undefined;
let model: FakeModelServer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-gw-media-'));
});

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await model?.close();
  model = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Partial<GatewayOptions> & { adapters: MemoryAdapter[] }) {
  gateway = createGateway({
    store: createMemoryStore(),
    agent: createEchoAgent(),
    media: { dir: join(dir, 'media'), sendFrom: [dir] },
    ...options,
  });
  await gateway.start();
  return gateway;
}

describe('attachments through the gateway', () => {
  it('a download that fails is told to the agent and the message is still answered', async () => {
    const chat = new MemoryAdapter({ name: 'chat', capabilities: { files: true, images: true } });
    chat.fetchAttachment = async () => {
      throw new Error('CDN answered 502');
    };
    await start({ adapters: [chat] });
    await chat.receive({
      text: 'see the file',
      attachments: [
        { kind: 'file', fileName: 'a.pdf', mimeType: 'application/pdf', url: 'https://cdn/a.pdf' },
      ],
    });
    await chat.waitForSent(1);
    expect(chat.sent[0]?.text).toBe(
      'see the file\n\nAttached file a.pdf (application/pdf) was not received: the download failed (CDN answered 502)',
    );
  });

  it('an image from an adapter that does not declare images is a file to the agent', async () => {
    model = await startFakeModelServer({ fallback: { kind: 'text', text: 'ok' } });
    const chat = new MemoryAdapter({ name: 'chat', capabilities: { files: true } });
    await start({
      adapters: [chat],
      agent: createOpenAIAgent({ baseURL: model.url, apiKey: 'k', model: 'fake-model', maxRetries: 0 }),
    });
    await chat.receive({ text: 'what is this?', attachments: [photo] });
    await chat.waitForSent(1);
    const content = model.requests[0]?.messages.at(-1)?.content;
    expect(typeof content).toBe('string');
    expect(content).toMatch(/^what is this\?\n\nAttached file cat\.jpg \(image\/jpeg, 8 B\), saved at /);
  });

  it('voice notes are transcribed where the adapter declares voice, and passed on as files elsewhere', async () => {
    const heard: AudioInput[] = [];
    const transcribe = async (audio: AudioInput) => {
      heard.push(audio);
      return 'call mum at six';
    };
    const voice: Attachment = {
      kind: 'voice',
      mimeType: 'audio/ogg',
      dataBase64: Buffer.from('OggS note').toString('base64'),
    };
    const talk = new MemoryAdapter({ name: 'talk', capabilities: { voice: true, files: true } });
    const mute = new MemoryAdapter({ name: 'mute', capabilities: { files: true } });
    await start({ adapters: [talk, mute], transcribe });

    await talk.receive({ text: '', attachments: [voice] });
    await mute.receive({ text: '', attachments: [voice] });
    await talk.waitForSent(1);
    await mute.waitForSent(1);

    expect(heard.map((a) => [a.mimeType, a.fileName, Buffer.from(a.data).toString()])).toEqual([
      ['audio/ogg', 'voice.ogg', 'OggS note'],
    ]);
    expect(talk.sent[0]?.text).toBe(
      'call mum at six\n\nAttached voice note voice.ogg (audio/ogg, 9 B), transcribed into the message text',
    );
    expect(mute.sent[0]?.text).toBe('Attached file voice.ogg (audio/ogg, 9 B)');
  });

  it('a file the agent names goes out with the reply on an adapter that sends files', async () => {
    writeFileSync(join(dir, 'summary.txt'), 'all good');
    const chat = new MemoryAdapter({ name: 'chat', capabilities: { files: true } });
    await start({ adapters: [chat] });
    // the echo agent answers with the user's words: here, a MEDIA: line
    await chat.receive({ text: `Your summary:\nMEDIA:${join(dir, 'summary.txt')}` });
    const [reply] = await chat.waitForSent(1);
    expect(reply?.text).toBe('Your summary:');
    expect(reply?.attachments).toEqual([
      {
        kind: 'file',
        url: expect.any(String),
        mimeType: 'text/plain',
        fileName: 'summary.txt',
        sizeBytes: 8,
      },
    ]);
    expect(readFileSync(reply!.attachments![0]!.url!, 'utf8')).toBe('all good');
    expect(reply?.attachments?.[0]?.url?.startsWith(join(dir, 'media'))).toBe(true);
  });

  it('files older than the retention are removed when the gateway starts', async () => {
    const folder = join(dir, 'media');
    mkdirSync(folder, { recursive: true });
    const old = join(folder, `${'1'.repeat(40)}.jpg`);
    const recent = join(folder, `${'2'.repeat(40)}.jpg`);
    writeFileSync(old, 'old');
    writeFileSync(recent, 'recent');
    const tenDaysAgo = (Date.now() - 10 * 86_400_000) / 1000;
    utimesSync(old, tenDaysAgo, tenDaysAgo);
    await start({ adapters: [], media: { dir: folder, retentionDays: 7 } });
    const deadline = Date.now() + 5_000;
    while (existsSync(old) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
