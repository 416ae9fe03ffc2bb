import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

describe('api server: models and health', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('lists the one configured model through the OpenAI SDK', async () => {
    h = await startHarness({ modelName: 'my-hermes' });
    const page = await h.client().models.list();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ id: 'my-hermes', object: 'model', owned_by: 'hermes' });
    expect(typeof page.data[0]!.created).toBe('number');
  });

  it('defaults the model name to hermes-agent', async () => {
    h = await startHarness();
    const page = await h.client().models.list();
    expect(page.data.map((m) => m.id)).toEqual(['hermes-agent']);
  });

  it('answers /health without a key', async () => {
    h = await startHarness();
    const res = await fetch(`${h.origin}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports the real port when started on port 0', async () => {
    h = await startHarness();
    const { host, port } = h.adapter.address();
    expect(host).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(h.origin).toBe(`http://127.0.0.1:${port}`);
  });

  it('declares SSE streaming and images (image_url parts in), and nothing else', async () => {
    h = await startHarness();
    expect(h.adapter.name).toBe('api');
    expect(h.adapter.capabilities).toMatchObject({
      streaming: true,
      voice: false,
      images: true,
      files: false,
      threads: false,
      reactions: false,
      typing: false,
      edit: false,
      delete: false,
      reconcile: false,
    });
    expect(h.adapter.capabilities.maxMessageLength).toBeGreaterThanOrEqual(1_000_000);
  });
});
