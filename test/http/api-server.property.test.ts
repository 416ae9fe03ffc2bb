/**
 * The OpenAI-compatible API server (built from the same ingress factory), with
 * the real gateway on SQLite: any JSON body, mutated chat completion requests
 * (wrong types, nulls, arrays for objects, odd unicode, huge numbers), bodies
 * that are not JSON and wrong content types are answered with a 4xx in
 * OpenAI's error shape or, when the request is valid, with the answer — never
 * a 5xx — nothing is stored for a refused request, and a valid request is
 * still answered afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyJson, mutate, mutations, notJsonBody, RUNS, toJsonText } from './payload-arbitraries.ts';
import { type Answer, startWebhookWorld, type WebhookWorld } from './webhook-world.ts';

let world: WebhookWorld;
const statuses = new Map<string, number>();

beforeAll(async () => {
  world = await startWebhookWorld();
});

afterAll(async () => {
  console.info('api server property runs, by answer:', Object.fromEntries(statuses));
  await world?.close();
});

function tally(answer: Answer): void {
  const body = answer.body as { error?: { code?: string; type?: string } } | undefined;
  const key = `${answer.status} ${body?.error?.code ?? body?.error?.type ?? 'answered'}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

async function postAndCheck(body: string | Uint8Array, contentType?: string): Promise<Answer> {
  const before = await world.inbox();
  const answer = await world.postCompletion(body, contentType);
  tally(answer);
  expect(answer.status).toBeLessThan(500);
  if (answer.status >= 400) {
    const error = (answer.body as { error?: Record<string, unknown> }).error;
    expect(Object.keys(error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(await world.inbox()).toEqual(before);
  }
  return answer;
}

async function stillAnswers(): Promise<void> {
  const answer = await world.postCompletion(
    JSON.stringify({ model: 'hermes-agent', messages: [{ role: 'user', content: 'still here' }] }),
  );
  expect(answer.status).toBe(200);
  expect((answer.body as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe(
    'still here',
  );
}

const REQUEST_PATHS: (string | number)[][] = [
  ['model'],
  ['messages'],
  ['messages', 0],
  ['messages', 0, 'role'],
  ['messages', 0, 'content'],
  ['messages', 0, 'content', 0],
  ['messages', 0, 'content', 0, 'type'],
  ['messages', 0, 'content', 0, 'text'],
  ['messages', 1],
  ['stream'],
  ['stream_options'],
  ['stream_options', 'include_usage'],
  ['temperature'],
];

describe('api server: malformed requests (property)', () => {
  it('answers any JSON document with a 4xx or an answer, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, fc.nat(), async (value, seed) => {
        await postAndCheck(toJsonText(value, seed));
      }),
      { numRuns: RUNS.anyJson },
    );
    await stillAnswers();
  });

  it('answers mutated requests (wrong types, nulls, arrays for objects, odd unicode) without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutations(REQUEST_PATHS), fc.nat(), async (changes, seed) => {
        const valid = {
          model: 'hermes-agent',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
          stream: false,
        };
        await postAndCheck(toJsonText(mutate(valid, changes), seed));
      }),
      { numRuns: RUNS.mutations },
    );
    await stillAnswers();
  });

  it('answers a body that is not JSON, or not sent as JSON, with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        notJsonBody,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'image/png'),
        async (body, contentType) => {
          const answer = await postAndCheck(body, contentType);
          expect(answer.status).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: RUNS.notJson },
    );
    await stillAnswers();
  });
});
