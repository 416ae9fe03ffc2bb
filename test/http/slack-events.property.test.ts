/**
 * Slack's Events API on the shared ingress, with the real gateway on SQLite:
 * signed envelopes of any JSON, mutated message events (wrong types, missing
 * channel or user, arrays for objects, odd unicode, huge numbers), bodies that
 * are not JSON, and bad or stale signatures are never answered with a 5xx,
 * nothing is stored for a payload that was not accepted, and a valid message
 * is still accepted afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyJson, mutate, mutations, notJsonBody, RUNS, toJsonText } from './payload-arbitraries.ts';
import {
  type Answer,
  SLACK_DM,
  slackEnvelope,
  startWebhookWorld,
  type WebhookWorld,
} from './webhook-world.ts';

let world: WebhookWorld;
const statuses = new Map<string, number>();

beforeAll(async () => {
  world = await startWebhookWorld();
});

afterAll(async () => {
  console.info(
    'slack events property runs, by answer:',
    Object.fromEntries(statuses),
    world?.http.counters.snapshot()['slack POST /slack/events'],
  );
  await world?.close();
});

function tally(answer: Answer): void {
  const body = answer.body as { ignored?: string; skipped?: string; error?: { reason?: string } } | undefined;
  const key = `${answer.status} ${body?.ignored ?? body?.skipped ?? body?.error?.reason ?? 'accepted'}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

async function postAndCheck(
  body: string,
  sign?: { secret?: string; timestamp?: number } | null,
): Promise<Answer> {
  const before = await world.inbox();
  const answer = await world.postSlack(body, sign);
  tally(answer);
  expect(answer.status).toBeLessThan(500);
  const after = await world.inbox();
  const result = answer.body as { ok?: boolean; ignored?: string; skipped?: string } | undefined;
  const taken = answer.status === 200 && result?.ok === true && !result.ignored && !result.skipped;
  if (!taken) expect(after).toEqual(before);
  else expect(after.length - before.length).toBeLessThanOrEqual(1);
  return answer;
}

async function stillAccepts(): Promise<void> {
  const envelope = slackEnvelope('still here');
  const answer = await world.postSlack(JSON.stringify(envelope));
  expect(answer).toEqual({ status: 200, body: { ok: true } });
  expect(await world.inbox()).toContain(`slack:${SLACK_DM}:${envelope.event.ts}`);
}

const ENVELOPE_PATHS: (string | number)[][] = [
  ['type'],
  ['team_id'],
  ['event_id'],
  ['event'],
  ['event', 'type'],
  ['event', 'channel'],
  ['event', 'channel_type'],
  ['event', 'user'],
  ['event', 'text'],
  ['event', 'ts'],
  ['event', 'thread_ts'],
  ['event', 'subtype'],
  ['event', 'bot_id'],
  ['event', 'files'],
  ['authorizations'],
  ['challenge'],
];

describe('slack events api: malformed payloads (property)', () => {
  it('answers any signed JSON document with a 2xx, never a 5xx, and stores nothing it ignored', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, fc.nat(), async (value, seed) => {
        await postAndCheck(toJsonText(value, seed));
      }),
      { numRuns: RUNS.anyJson },
    );
    await stillAccepts();
  });

  it('answers mutated envelopes (wrong types, missing channel or user, odd unicode) without a 5xx', async () => {
    const file = { id: 'F1', name: 'a.txt', mimetype: 'text/plain', url_private: 'http://127.0.0.1:1/f' };
    await fc.assert(
      fc.asyncProperty(
        mutations([...ENVELOPE_PATHS, ['event', 'files', 0], ['event', 'files', 0, 'name']]),
        fc.nat(),
        async (changes, seed) => {
          const valid = slackEnvelope('hello', { files: [file] });
          const answer = await postAndCheck(toJsonText(mutate(valid, changes), seed));
          expect(answer.status).toBe(200);
        },
      ),
      { numRuns: RUNS.mutations },
    );
    await stillAccepts();
  });

  it('answers a signed body that is not JSON with 200 "ignored"', async () => {
    await fc.assert(
      fc.asyncProperty(
        notJsonBody.filter((b): b is string => typeof b === 'string'),
        async (body) => {
          const answer = await postAndCheck(body);
          expect(answer).toMatchObject({ status: 200, body: { ok: true, ignored: expect.any(String) } });
        },
      ),
      { numRuns: RUNS.notJson },
    );
    await stillAccepts();
  });

  it('refuses a bad, missing or stale signature with 401 and stores nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ secret: fc.stringMatching(/^[a-z0-9-]{1,40}$/) }),
          fc.record({
            timestamp: fc.oneof(fc.integer({ min: 0, max: now - 301 }), fc.integer({ min: now + 301 })),
          }),
          fc.constant(null),
        ),
        async (sign) => {
          const answer = await postAndCheck(JSON.stringify(slackEnvelope('forged')), sign);
          expect(answer.status).toBe(401);
        },
      ),
      { numRuns: RUNS.badCredentials },
    );
    await stillAccepts();
  });

  it('answers a body over the limit with 413 and stores nothing', async () => {
    const answer = await postAndCheck(JSON.stringify(slackEnvelope('x'.repeat(1024 * 1024))));
    expect(answer.status).toBe(413);
    await stillAccepts();
  });
});
