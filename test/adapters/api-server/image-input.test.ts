/**
 * Images through the OpenAI-compatible API server, end to end: the official
 * `openai` client sends `image_url` parts (a data URL or an http(s) URL), the
 * gateway stores them, and the OpenAI-compatible backend hands them to the
 * fake model as image parts. A URL that cannot be read, a file that is no
 * image and an image over the cap are refused with a 400 in OpenAI's shape;
 * nothing reaches the agent then.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { BadRequestError } from 'openai';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServerAdapter } from '../../../src/adapters/api-server/index.ts';
import { createOpenAIAgent } from '../../../src/agent/openai-agent.ts';
import { createSqliteStore } from '../../../src/persistence/sqlite-store.ts';
import { createGateway, type Gateway } from '../../../src/runtime/create-gateway.ts';
import { type FakeModelServer, startFakeModelServer } from '../../fakes/fake-model-server.ts';

const KEY = 'image-test-key-0123456789';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a red dot'),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a blue square')]);

let dir: string;
let model: FakeModelServer;
let gateway: Gateway;
let client: OpenAI;
let images: Server;
let imagesUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-api-images-'));
  model = await startFakeModelServer({ fallback: { kind: 'text', text: 'I see it.' } });
  images = createServer((req, res) => {
    if (req.url === '/square.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG);
    } else if (req.url === '/big.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([PNG, Buffer.alloc(8192)]));
    } else if (req.url === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not an image</html>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  const api = createApiServerAdapter({ port: 0, key: KEY, maxImageBytes: 4096 });
  gateway = createGateway({
    store: createSqliteStore({ path: join(dir, 'state.db') }),
    agent: createOpenAIAgent({ baseURL: model.url, apiKey: 'model-key', model: 'fake-model', maxRetries: 0 }),
    adapters: [api],
    media: { dir: join(dir, 'media') },
    closeStoreOnStop: true,
  });
  await gateway.start();
  client = new OpenAI({ baseURL: `http://127.0.0.1:${api.address().port}/v1`, apiKey: KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await model?.close();
  await new Promise((resolve) => images?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function ask(parts: ChatCompletionContentPart[]) {
  return client.chat.completions.create({
    model: 'hermes-agent',
    messages: [{ role: 'user', content: parts }],
  });
}

/** The image parts of the last user message of the newest model request. */
function imagePartsSent(): { url: string }[] {
  const last = model.requests
    .at(-1)!
    .messages.filter((m) => m.role === 'user')
    .at(-1)!;
  if (!Array.isArray(last.content)) return [];
  return last.content.filter((p) => p.type === 'image_url').map((p) => ({ url: p.image_url!.url }));
}

async function refusal(parts: ChatCompletionContentPart[]): Promise<BadRequestError> {
  const error = await ask(parts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadRequestError);
  return error as BadRequestError;
}

describe('image_url parts on the API server', () => {
  it('a data URL reaches the model as an image part with the same bytes', async () => {
    const dataUrl = `data:image/png;base64,${PNG.toString('base64')}`;
    const answer = await ask([
      { type: 'text', text: 'What colour is the dot?' },
      { type: 'image_url', image_url: { url: dataUrl } },
    ]);
    expect(answer.choices[0]?.message.content).toBe('I see it.');
    expect(imagePartsSent()).toEqual([{ url: dataUrl }]);
    const last = model.requests.at(-1)!.messages.at(-1)!;
    expect((last.content as { type: string; text?: string }[])[0]).toEqual({
      type: 'text',
      text: 'What colour is the dot?',
    });
  });

  it('an http(s) URL is fetched and reaches the model as a data URL', async () => {
    await ask([
      { type: 'text', text: 'And this one?' },
      { type: 'image_url', image_url: { url: `${imagesUrl}/square.jpg` } },
    ]);
    expect(imagePartsSent()).toEqual([{ url: `data:image/jpeg;base64,${JPEG.toString('base64')}` }]);
  });

  it('an image alone (no text) is a valid question', async () => {
    const dataUrl = `data:image/png;base64,${PNG.toString('base64')}`;
    await ask([{ type: 'image_url', image_url: { url: dataUrl } }]);
    expect(imagePartsSent()).toEqual([{ url: dataUrl }]);
  });

  it('refuses URLs that cannot be read, files that are not images and images over the cap with a 400', async () => {
    const before = model.requests.length;

    const missing = await refusal([
      { type: 'text', text: 'look' },
      { type: 'image_url', image_url: { url: `${imagesUrl}/missing.png` } },
    ]);
    expect(missing.status).toBe(400);
    expect(missing.code).toBe('invalid_image_url');
    expect(missing.param).toBe('messages.0.content.1.image_url');
    expect(missing.message).toMatch(/HTTP 404/);

    const closedPort = await refusal([{ type: 'image_url', image_url: { url: 'http://127.0.0.1:1/x.png' } }]);
    expect(closedPort.code).toBe('invalid_image_url');

    const notImage = await refusal([{ type: 'image_url', image_url: { url: `${imagesUrl}/page.html` } }]);
    expect(notImage.code).toBe('invalid_image');

    const badData = await refusal([{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@@' } }]);
    expect(badData.code).toBe('invalid_image_url');

    const tooLargeWeb = await refusal([{ type: 'image_url', image_url: { url: `${imagesUrl}/big.png` } }]);
    expect(tooLargeWeb.code).toBe('image_too_large');

    const big = Buffer.concat([PNG, Buffer.alloc(8192)]).toString('base64');
    const tooLargeData = await refusal([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${big}` } },
    ]);
    expect(tooLargeData.code).toBe('image_too_large');
    expect(tooLargeData.message).toMatch(/over the limit of 4 KB/);

    const otherScheme = await refusal([{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }]);
    expect(otherScheme.code).toBe('invalid_image_url');

    expect(model.requests.length).toBe(before);
  });
});
