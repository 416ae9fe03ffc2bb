/**
 * The invariants every played path must keep, checked on its record. Each
 * check returns the violations it found, as readable sentences that end with
 * the events that led there.
 */
import type { PathRecord } from './runner.ts';

const trail = (record: PathRecord) => `(${record.finish}) ${record.played.join(' → ')}`;

/**
 * Every message is dealt with: the session accepted it; once the session is
 * quiet again it was answered (a reply, a failure report, an approval
 * confirmation) or told about (queue full, stopped, interrupted by a restart,
 * suspended) and its inbox row is closed; nothing waits any more.
 */
export function unansweredMessages(record: PathRecord): string[] {
  const problems: string[] = [];
  const accepted = new Set(record.accepted);
  const accounted = new Set(record.accounted.map((a) => a.inboxId));
  for (const m of record.sent) {
    const name = `message ${m.inboxId} "${m.text}"`;
    if (!accepted.has(m.inboxId)) problems.push(`${name} was never accepted by the session`);
    else if (!accounted.has(m.inboxId)) problems.push(`${name} was never answered nor told about`);
    const status = record.inboxStatus.get(m.inboxId);
    if (status !== 'done') problems.push(`${name} is left ${status ?? 'missing'} in the inbox`);
  }
  const c = record.finalContext;
  if (record.finalState !== 'idle')
    problems.push(`the session did not come to rest (it is ${record.finalState})`);
  const held = {
    run: c.run?.messages ?? [],
    queue: c.queue,
    merging: c.merging,
    steered: c.steered,
    superseded: c.superseded,
    interrupted: c.interrupted ?? [],
  };
  for (const [where, messages] of Object.entries(held)) {
    if (messages.length)
      problems.push(
        `the quiet session still holds message(s) ${messages.map((m) => m.inboxId).join(', ')} in ${where}`,
      );
  }
  return problems.map((p) => `${p}: ${trail(record)}`);
}

/** At most one agent run per session at a time, and one exactly while a turn is in flight. */
export function concurrentRuns(record: PathRecord): string[] {
  const problems = [...record.runMismatches];
  if (record.maxLiveRuns > 1) problems.push(`${record.maxLiveRuns} agent runs were alive at once`);
  return problems.map((p) => `${p}: ${trail(record)}`);
}

/**
 * Nothing is sent twice: every outbox row has its own idempotency key, a key
 * is never reused for a different reply, and no message gets two answers.
 */
export function duplicateSends(record: PathRecord): string[] {
  const problems: string[] = [];
  const rows = new Set<string>();
  for (const key of record.outboxKeys) {
    if (rows.has(key)) problems.push(`two outbox rows have the key ${key}`);
    rows.add(key);
  }
  const firstByKey = new Map<string, string>();
  for (const call of record.enqueues) {
    const content = JSON.stringify({ text: call.text, inReplyTo: call.inReplyTo });
    const first = firstByKey.get(call.idempotencyKey);
    if (first === undefined) firstByKey.set(call.idempotencyKey, content);
    else if (first !== content)
      problems.push(`the key ${call.idempotencyKey} was enqueued for ${first} and again for ${content}`);
  }
  const answers = new Map<number, string[]>();
  for (const a of record.accounted.filter((x) => x.answer)) {
    answers.set(a.inboxId, [...(answers.get(a.inboxId) ?? []), a.effect]);
  }
  for (const [inboxId, effects] of answers) {
    if (effects.length > 1)
      problems.push(`message ${inboxId} was answered ${effects.length} times (${effects.join(', ')})`);
  }
  return problems.map((p) => `${p}: ${trail(record)}`);
}

/** The live actor followed the model, and events of a stale run or approval changed nothing. */
export function modelDrift(record: PathRecord): string[] {
  return [...(record.drift ? [record.drift] : []), ...record.staleEffects].map(
    (p) => `${p}: ${trail(record)}`,
  );
}
