/**
 * What the backends make of a user's files: the OpenAI-compatible backend
 * sends images as `image_url` parts and inlines text files (cut with a note
 * past the limit); everything else, and every file for the echo and exec
 * backends, is described in words with its type, size and stored path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAttachment, AgentRequest } from '../../src/agent/agent.ts';
import { describeAttachment, userContent } from '../../src/agent/attachment-parts.ts';
import { createEchoAgent } from '../../src/agent/echo-agent.ts';
import { createExecAgent } from '../../src/agent/exec-agent.ts';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';

let dir: string;
let photo: AgentAttachment;
let notes: AgentAttachment;
let log: AgentAttachment;
let pdf: AgentAttachment;
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-parts-'));
  const file = (name: string, data: Buffer | string) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  photo = {
    kind: 'image',
    mimeType: 'image/jpeg',
    fileName: 'cat.jpg',
    sizeBytes: 7,
    path: file('cat.jpg', JPEG),
  };
  notes = {
    kind: 'file',
    mimeType: 'text/plain',
    fileName: 'notes.txt',
    sizeBytes: 5,
    path: file('n.txt', 'hello'),
  };
  log = {
    kind: 'file',
    mimeType: 'application/octet-stream',
    fileName: 'build.log',
    sizeBytes: 30,
    path: file('build.log', 'é'.repeat(15)),
  };
  pdf = {
    kind: 'file',
    mimeType: 'application/pdf',
    fileName: 'a.pdf',
    sizeBytes: 2048,
    path: file('a.pdf', '%PDF-'),
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request = (attachments: AgentAttachment[], content = 'look'): AgentRequest => ({
  sessionKey: 's',
  messages: [{ role: 'user', content, attachments }],
  signal: new AbortController().signal,
  onEvent: () => {},
});

describe('describing attachments', () => {
  it('names kind, file, type, size and the stored copy, or why there is none', () => {
    expect(describeAttachment(photo)).toBe(
      `Attached image cat.jpg (image/jpeg, 7 B), saved at ${photo.path}`,
    );
    expect(describeAttachment(photo, { withPath: false })).toBe('Attached image cat.jpg (image/jpeg, 7 B)');
    expect(
      describeAttachment({ kind: 'voice', mimeType: 'audio/ogg', fileName: 'v.ogg', transcribed: true }),
    ).toBe('Attached voice note v.ogg (audio/ogg), transcribed into the message text');
    expect(
      describeAttachment({
        kind: 'file',
        mimeType: 'application/zip',
        fileName: 'x.zip',
        sizeBytes: 30 * 1024 * 1024,
        unavailable: 'the file is 30 MB, over the limit of 20 MB',
      }),
    ).toBe(
      'Attached file x.zip (application/zip, 30 MB) was not received: the file is 30 MB, over the limit of 20 MB',
    );
  });
});

describe('OpenAI content parts', () => {
  it('an image becomes an image_url part with a data URL; a text file is inlined; a PDF is described', async () => {
    const content = await userContent({ content: 'what is this?', attachments: [photo, notes, pdf] });
    expect(content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'text', text: describeAttachment(photo) },
      { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${JPEG.toString('base64')}` } },
      { type: 'text', text: `${describeAttachment(notes)}\nIts content:\n\`\`\`\nhello\n\`\`\`` },
      { type: 'text', text: describeAttachment(pdf) },
    ]);
  });

  it('stays one string without images, and cuts a long text file with a note (never mid-character)', async () => {
    const content = await userContent({ content: 'read', attachments: [log] }, { inlineTextBytes: 9 });
    expect(content).toBe(
      `read\n\n${describeAttachment(log)}\n` +
        'Its first 9 B of 30 B (the rest was cut; read the file for more):\n```\néééé\n```',
    );
  });

  it('the openai backend sends those parts to the model', async () => {
    const model: FakeModelServer = await startFakeModelServer({ fallback: { kind: 'text', text: 'a cat' } });
    try {
      const agent = createOpenAIAgent({
        baseURL: model.url,
        model: 'fake-model',
        apiKey: 'k',
        maxRetries: 0,
      });
      await agent.run(request([photo]));
      const sent = model.requests[0]?.messages.at(-1)?.content as { type: string }[];
      expect(sent.map((p) => p.type)).toEqual(['text', 'text', 'image_url']);
    } finally {
      await model.close();
    }
  });
});

describe('backends without content parts', () => {
  it('echo names the attached files after the text, without paths', async () => {
    const { text } = await createEchoAgent().run(request([photo, notes]));
    expect(text).toBe(
      'look\n\nAttached image cat.jpg (image/jpeg, 7 B)\nAttached file notes.txt (text/plain, 5 B)',
    );
  });

  it('exec gets the files described on stdin, with the path of each stored copy', async () => {
    const { text } = await createExecAgent({ command: 'cat' }).run(request([notes]));
    expect(text).toBe(`look\n\nAttached file notes.txt (text/plain, 5 B), saved at ${notes.path}`);
  });
});
