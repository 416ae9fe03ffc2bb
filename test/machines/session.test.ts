import { describe, expect, it } from 'vitest';
import { interruptedContext } from '../../src/machines/session.ts';
import { drive } from './session-driver.ts';

describe('session machine', () => {
  it('starts a run for a message and returns to idle with the answer committed', () => {
    const d = drive();
    expect(d.state()).toBe('idle');
    d.message(1, 'hello');
    expect(d.state()).toBe('running.working');
    expect(d.runs[0]?.run.messages.map((m) => m.text)).toEqual(['hello']);
    expect(d.runs[0]?.run.runId).toBe('test:dm:1/1#1');
    d.done('hi there');
    expect(d.state()).toBe('idle');
    expect(d.effects).toEqual([
      'scheduleReset:xstate.init',
      'acceptMessage:MESSAGE',
      'notifyReset:MESSAGE',
      'recordUserTurn:MESSAGE',
      'commitTurn:AGENT.DONE',
      'scheduleReset:AGENT.DONE',
    ]);
    expect(d.actor.getSnapshot().context.run).toBeNull();
  });

  it('queues follow-ups that arrive while busy and runs each as its own next turn, in order', () => {
    const d = drive();
    d.message(1);
    d.message(2, 'second');
    d.message(3, 'third');
    expect(d.state()).toBe('running.working');
    expect(d.actor.getSnapshot().context.queue.map((m) => m.inboxId)).toEqual([2, 3]);
    d.done();
    expect(d.state()).toBe('running.working');
    expect(d.runs[1]?.run.messages.map((m) => m.text)).toEqual(['second']);
    d.done();
    expect(d.runs[2]?.run.messages.map((m) => m.text)).toEqual(['third']);
    d.done();
    expect(d.state()).toBe('idle');
    expect(d.runs).toHaveLength(3);
  });

  it('ignores events of a run that is no longer current', () => {
    const d = drive();
    d.message(1);
    d.actor.send({
      type: 'AGENT.DONE',
      runId: 'stale',
      result: { text: 'x', inputTokens: 0, outputTokens: 0, model: null },
    });
    expect(d.state()).toBe('running.working');
    expect(d.effects).not.toContain('commitTurn:AGENT.DONE');
  });

  it('reports a failed run and records the error', () => {
    const d = drive();
    d.message(1);
    d.fail('model unavailable');
    expect(d.state()).toBe('idle');
    expect(d.effects).toContain('reportFailure:AGENT.FAILED');
    expect(d.actor.getSnapshot().context.lastError).toBe('model unavailable');
  });

  it('drain interrupts a run: the run is aborted, the user is notified and the turn is kept', () => {
    const d = drive();
    d.message(1, 'long task');
    d.message(2, 'queued');
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    expect(d.state()).toBe('restartInterrupted');
    expect(d.aborted).toEqual(['test:dm:1/1#1']);
    expect(d.effects).toContain('notifyInterrupted:GATEWAY.DRAIN');
    const ctx = d.actor.getSnapshot().context;
    expect(ctx.interrupted?.map((m) => m.text)).toEqual(['long task']);
    expect(ctx.queue.map((m) => m.text)).toEqual(['queued']);
    expect(ctx.restartInterruptions).toBe(1);
  });

  it('resumes on the next message, answers the interrupted turn with it, then runs the queue', () => {
    const d = drive();
    d.message(1, 'long task');
    d.message(2, 'queued');
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    d.message(3, 'are you there?');
    expect(d.state()).toBe('resuming.working');
    const resume = d.runs[1]!;
    expect(resume.run.resume).toBe(true);
    expect(resume.run.messages.map((m) => m.text)).toEqual(['are you there?']);
    d.done();
    // the queued follow-up survives and runs next
    expect(d.state()).toBe('running.working');
    expect(d.runs[2]?.run.messages.map((m) => m.text)).toEqual(['queued']);
    const ctx = d.actor.getSnapshot().context;
    expect(ctx.interrupted).toBeNull();
    expect(ctx.restartInterruptions).toBe(0);
  });

  it('counts consecutive restart interruptions across resumes', () => {
    const d = drive();
    d.message(1);
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    d.message(2);
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    const ctx = d.actor.getSnapshot().context;
    expect(ctx.restartInterruptions).toBe(2);
    expect(ctx.interrupted?.map((m) => m.inboxId)).toEqual([1, 2]);
  });

  it('an expired resume window returns to idle and closes the interrupted turn', () => {
    const d = drive();
    d.message(1);
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    d.actor.send({ type: 'AUTO_RESUME.EXPIRED' });
    expect(d.state()).toBe('idle');
    expect(d.effects).toContain('abandonInterrupted:AUTO_RESUME.EXPIRED');
    expect(d.actor.getSnapshot().context.interrupted).toBeNull();
  });

  it('AUTO_RESUME.EXPIRED delivered twice (at-least-once timers) changes nothing the second time', () => {
    const d = drive();
    d.message(1);
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    d.actor.send({ type: 'AUTO_RESUME.EXPIRED' });
    d.actor.send({ type: 'AUTO_RESUME.EXPIRED' });
    expect(d.effects.filter((e) => e.startsWith('abandonInterrupted'))).toHaveLength(1);
  });

  it('interruptedContext turns a crashed in-flight context into an interrupted one', () => {
    const d = drive();
    d.message(1, 'x');
    const ctx = interruptedContext(d.actor.getSnapshot().context);
    expect(ctx.run).toBeNull();
    expect(ctx.interrupted?.map((m) => m.text)).toEqual(['x']);
  });
});

describe('session machine: busy input', () => {
  it('interrupt: aborts the run, merges every message sent meanwhile into one prompt, answers the cut-off turn too', () => {
    const d = drive();
    d.message(1, 'write a long essay');
    d.message(2, 'actually, make it short', 'interrupt', 1_000);
    expect(d.state()).toBe('running.interrupting');
    expect(d.commands).toEqual(['test:dm:1/1#1 ABORT']);
    expect(d.effects).toContain('sendBusyAck:MESSAGE');
    d.message(3, 'and in French', 'interrupt', 2_000);
    expect(d.state()).toBe('running.interrupting');
    d.stopped();
    expect(d.state()).toBe('running.working');
    expect(d.runs).toHaveLength(2);
    expect(d.runs[1]?.run.messages.map((m) => m.text)).toEqual(['actually, make it short', 'and in French']);
    expect(d.actor.getSnapshot().context.superseded.map((m) => m.inboxId)).toEqual([1]);
    d.done('Court essai.');
    expect(d.state()).toBe('idle');
    expect(d.actor.getSnapshot().context.superseded).toEqual([]);
  });

  it('acknowledges at most once per 30 s per session', () => {
    const d = drive();
    d.message(1);
    d.message(2, 'b', 'queue', 1_000);
    d.message(3, 'c', 'queue', 20_000);
    d.message(4, 'd', 'queue', 31_001);
    expect(d.effects.filter((e) => e.startsWith('sendBusyAck'))).toHaveLength(2);
  });

  it('queue: an overflow is told to the user and the message is not queued', () => {
    const d = drive();
    d.message(1);
    d.message(2, 'b', 'queue', 0, 2);
    d.message(3, 'c', 'queue', 0, 2);
    d.message(4, 'd', 'queue', 0, 2);
    expect(d.actor.getSnapshot().context.queue.map((m) => m.inboxId)).toEqual([2, 3]);
    expect(d.effects).toContain('notifyQueueFull:MESSAGE');
  });

  it('steer: hands the message to the run; what the agent took is answered, what it did not take runs next', () => {
    const d = drive();
    d.message(1, 'research X');
    d.message(2, 'focus on Y', 'steer', 0);
    d.message(3, 'and Z', 'steer', 0);
    expect(d.state()).toBe('running.working');
    expect(d.commands).toEqual(['test:dm:1/1#1 STEER focus on Y', 'test:dm:1/1#1 STEER and Z']);
    d.done('X with Y', [2]);
    expect(d.state()).toBe('running.working');
    expect(d.runs[1]?.run.messages.map((m) => m.text)).toEqual(['and Z']);
  });

  it('/stop aborts the run, drops the queue with a notice, and runs nothing queued', () => {
    const d = drive();
    d.message(1);
    d.message(2, 'b', 'queue', 0);
    d.actor.send({ type: 'STOP' });
    expect(d.state()).toBe('running.stopping');
    expect(d.commands).toEqual(['test:dm:1/1#1 ABORT']);
    expect(d.effects).toContain('notifyStopped:STOP');
    expect(d.actor.getSnapshot().context.queue).toEqual([]);
    d.stopped();
    expect(d.state()).toBe('idle');
    expect(d.effects).toContain('closeStoppedTurn:AGENT.STOPPED');
    expect(d.runs).toHaveLength(1);
  });

  it('/stop when nothing runs changes nothing', () => {
    const d = drive();
    d.actor.send({ type: 'STOP' });
    expect(d.state()).toBe('idle');
    expect(d.effects).toEqual(['scheduleReset:xstate.init']);
  });

  it('a drain during an interrupt keeps every message: the cut-off turn and the merged ones are resumed together', () => {
    const d = drive();
    d.message(1, 'first');
    d.message(2, 'second', 'interrupt', 0);
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    expect(d.state()).toBe('restartInterrupted');
    expect(d.actor.getSnapshot().context.interrupted?.map((m) => m.inboxId)).toEqual([1, 2]);
  });

  it('per-session settings persist in the context and reach the run', () => {
    const d = drive();
    d.actor.send({ type: 'SETTINGS', patch: { model: 'local:llama', reasoning: 'high' } });
    d.message(1);
    expect(d.runs[0]?.settings).toMatchObject({ model: 'local:llama', reasoning: 'high', personality: null });
  });
});

describe('session machine: restart interruptions', () => {
  it('a turn interrupted by 3 restarts in a row is set aside: the session starts a fresh conversation with a notice', () => {
    const d = drive();
    d.message(1, 'the task that keeps crashing');
    for (const n of [2, 3]) {
      d.actor.send({ type: 'GATEWAY.DRAIN' });
      d.message(n, `retry ${n}`);
    }
    d.actor.send({ type: 'GATEWAY.DRAIN' });
    expect(d.actor.getSnapshot().context.restartInterruptions).toBe(3);
    d.message(4, 'hello?');
    expect(d.state()).toBe('running.working');
    expect(d.effects).toContain('notifySuspended:MESSAGE');
    const ctx = d.actor.getSnapshot().context;
    expect(ctx.conversationId).toBe('test:dm:1/2');
    expect(ctx.interrupted).toBeNull();
    expect(ctx.restartInterruptions).toBe(0);
    expect(ctx.run?.resume).toBe(false);
    expect(ctx.run?.messages.map((m) => m.text)).toEqual(['hello?']);
  });
});

describe('session machine: dangerous-command approval', () => {
  const ask = (d: ReturnType<typeof drive>, approvalId = 'a1') =>
    d.actor.send({
      type: 'AGENT.APPROVAL_REQUEST',
      runId: d.actor.getSnapshot().context.run!.runId,
      approvalId,
      command: 'rm -rf /',
      reason: 'recursive delete of a broad path',
    });

  it('waits for /approve and tells the run', () => {
    const d = drive();
    d.message(1, 'clean up');
    ask(d);
    expect(d.state()).toBe('running.awaitingApproval');
    expect(d.effects).toContain('askApproval:AGENT.APPROVAL_REQUEST');
    d.actor.send({ type: 'APPROVAL.RESOLVE', approved: true });
    expect(d.state()).toBe('running.working');
    expect(d.commands.at(-1)).toBe('test:dm:1/1#1 APPROVAL');
    expect(d.actor.getSnapshot().context.pendingApproval).toBeNull();
  });

  it.each([
    ['yes', true],
    ['Go ahead!', true],
    ['no', false],
    ['cancel', false],
  ])('a bare "%s" while a prompt is pending answers it', (word, _approved) => {
    const d = drive();
    d.message(1);
    ask(d);
    d.message(2, word, 'interrupt', 0);
    expect(d.state()).toBe('running.working');
    expect(d.effects).toContain('closeApproval:MESSAGE');
    expect(d.runs).toHaveLength(1);
  });

  it('another message while a prompt is pending is handled as busy input (interrupt denies and merges)', () => {
    const d = drive();
    d.message(1);
    ask(d);
    d.message(2, 'wait, do something else', 'interrupt', 0);
    expect(d.state()).toBe('running.interrupting');
    expect(d.commands).toEqual(['test:dm:1/1#1 ABORT']);
  });

  it('the durable timeout denies; a stale timeout is ignored', () => {
    const d = drive();
    d.message(1);
    ask(d, 'a1');
    d.actor.send({ type: 'APPROVAL.TIMEOUT', approvalId: 'old' });
    expect(d.state()).toBe('running.awaitingApproval');
    d.actor.send({ type: 'APPROVAL.TIMEOUT', approvalId: 'a1' });
    expect(d.state()).toBe('running.working');
    expect(d.effects).toContain('notifyApprovalTimedOut:APPROVAL.TIMEOUT');
  });

  it('/stop while a prompt is pending stops the run', () => {
    const d = drive();
    d.message(1);
    ask(d);
    d.actor.send({ type: 'STOP' });
    expect(d.state()).toBe('running.stopping');
    expect(d.actor.getSnapshot().context.pendingApproval).toBeNull();
  });
});
