/**
 * Telegram's webhook on the shared ingress, with the real gateway on SQLite:
 * whatever Telegram (or anyone) posts — any JSON, mutated updates with wrong
 * types, missing chats, arrays for objects, odd unicode and huge numbers,
 * bodies that are not JSON, a wrong secret — is never answered with a 5xx,
 * nothing is stored for a payload that was not accepted, and the gateway still
 * accepts a valid update afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyJson, mutate, mutations, notJsonBody, RUNS, toJsonText } from './payload-arbitraries.ts';
import { type Answer, startWebhookWorld, telegramUpdate, type WebhookWorld } from './webhook-world.ts';

let world: WebhookWorld;
let nextId = 10_000;
const statuses = new Map<string, number>();

beforeAll(async () => {
  world = await startWebhookWorld();
});

afterAll(async () => {
  const counts = world?.http.counters.snapshot()[`telegram POST /telegram/hook`];
  console.info('telegram webhook property runs, by answer:', Object.fromEntries(statuses), counts);
  await world?.close();
});

function tally(answer: Answer): void {
  const body = answer.body as { ignored?: string; skipped?: string; error?: { reason?: string } } | undefined;
  const key = `${answer.status} ${body?.ignored ?? body?.skipped ?? body?.error?.reason ?? 'accepted'}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

/** Posts a body and checks the outcome rules; returns the answer. */
async function postAndCheck(body: string | Uint8Array, secret?: string | null): Promise<Answer> {
  const before = await world.inbox();
  const answer = await world.postTelegram(body, secret);
  tally(answer);
  expect(answer.status).toBeLessThan(500);
  const after = await world.inbox();
  const result = answer.body as { ok?: boolean; ignored?: string; skipped?: string } | undefined;
  const taken = answer.status === 200 && result?.ok === true && !result.ignored && !result.skipped;
  if (!taken) expect(after).toEqual(before);
  else expect(after.length - before.length).toBeLessThanOrEqual(1);
  return answer;
}

/** A valid update is still accepted and stored. */
async function stillAccepts(): Promise<void> {
  nextId += 1;
  const answer = await world.postTelegram(JSON.stringify(telegramUpdate(nextId, `still here ${nextId}`)));
  expect(answer).toEqual({ status: 200, body: { ok: true } });
  expect(await world.inbox()).toContain(`telegram:1001:${nextId}`);
}

/** Where a mutation may hit a valid update. */
const UPDATE_PATHS: (string | number)[][] = [
  ['update_id'],
  ['message'],
  ['message', 'message_id'],
  ['message', 'chat'],
  ['message', 'chat', 'id'],
  ['message', 'chat', 'type'],
  ['message', 'from'],
  ['message', 'from', 'id'],
  ['message', 'from', 'is_bot'],
  ['message', 'from', 'first_name'],
  ['message', 'text'],
  ['message', 'caption'],
  ['message', 'entities'],
  ['message', 'reply_to_message'],
  ['message', 'photo'],
  ['message', 'document'],
  ['message', 'voice'],
  ['message', 'message_thread_id'],
  ['message', 'is_topic_message'],
  ['message', 'sender_chat'],
  ['channel_post'],
  ['edited_message'],
];

describe('telegram webhook: malformed payloads (property)', () => {
  it('answers any JSON document with a 2xx, never a 5xx, and stores nothing it ignored', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, fc.nat(), async (value, seed) => {
        await postAndCheck(toJsonText(value, seed));
      }),
      { numRuns: RUNS.anyJson },
    );
    await stillAccepts();
  });

  it('answers mutated updates (wrong types, missing chat, odd unicode, huge numbers) without a 5xx', async () => {
    const entity = { type: 'mention', offset: 0, length: 11 };
    await fc.assert(
      fc.asyncProperty(
        mutations([
          ...UPDATE_PATHS,
          ['message', 'entities', 0, 'offset'],
          ['message', 'entities', 0, 'type'],
        ]),
        fc.nat(),
        async (changes, seed) => {
          nextId += 1;
          const valid = telegramUpdate(nextId, '@hermes_bot hi', { entities: [entity] });
          const answer = await postAndCheck(toJsonText(mutate(valid, changes), seed));
          expect(answer.status).toBe(200);
        },
      ),
      { numRuns: RUNS.mutations },
    );
    await stillAccepts();
  });

  it('answers a body that is not JSON with 200 "ignored"', async () => {
    await fc.assert(
      fc.asyncProperty(notJsonBody, async (body) => {
        const answer = await postAndCheck(body);
        expect(answer).toMatchObject({
          status: 200,
          body: { ok: true, ignored: expect.stringMatching(/^(not_json|empty_body)$/) },
        });
      }),
      { numRuns: RUNS.notJson },
    );
    await stillAccepts();
  });

  it('refuses a wrong or missing secret with 401 and stores nothing, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{0,64}$/), { nil: null }),
        fc.boolean(),
        async (secret, validBody) => {
          nextId += 1;
          const body = validBody ? JSON.stringify(telegramUpdate(nextId, 'forged')) : '{"update_id":';
          const answer = await postAndCheck(body, secret);
          expect(answer.status).toBe(401);
        },
      ),
      { numRuns: RUNS.badCredentials },
    );
    await stillAccepts();
  });

  it('answers concurrent mixed payloads without a 5xx and stores only the valid ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            anyJson.map((v) => ({ valid: false, v })),
            fc.constant({ valid: true, v: null }),
          ),
          {
            minLength: 2,
            maxLength: 10,
          },
        ),
        async (batch) => {
          const before = await world.inbox();
          const ids: number[] = [];
          const answers = await Promise.all(
            batch.map(({ valid, v }) => {
              if (!valid) return world.postTelegram(toJsonText(v, 0));
              nextId += 1;
              ids.push(nextId);
              return world.postTelegram(JSON.stringify(telegramUpdate(nextId, `batch ${nextId}`)));
            }),
          );
          for (const answer of answers) tally(answer);
          expect(answers.every((a) => a.status === 200)).toBe(true);
          const added = (await world.inbox()).filter((id) => !before.includes(id));
          expect(added.sort()).toEqual(ids.map((id) => `telegram:1001:${id}`).sort());
        },
      ),
      { numRuns: RUNS.concurrentBatches },
    );
    await stillAccepts();
  });

  it('answers a body over the limit with 413 and stores nothing', async () => {
    nextId += 1;
    const huge = JSON.stringify(telegramUpdate(nextId, 'x'.repeat(1024 * 1024)));
    const answer = await postAndCheck(huge);
    expect(answer.status).toBe(413);
    await stillAccepts();
  });
});
