import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/persistence/sqlite-store.ts';
import type { CronJobRow } from '../../src/persistence/store.ts';
import { runHermes, tempDir } from '../cli/run-hermes.ts';

/** Reads a job straight from the home's database, as the gateway would. */
async function readJob(home: string, id: string): Promise<CronJobRow | undefined> {
  const store = createSqliteStore({ path: join(home, 'state.db') });
  try {
    await store.migrate();
    return await store.cron.get(id);
  } finally {
    await store.close();
  }
}

function createdId(stdout: string): string {
  const id = /Created cron job (cron_[a-z0-9]{8})/.exec(stdout)?.[1];
  expect(id).toBeDefined();
  return id ?? '';
}

describe('hermes cron', () => {
  it('creates a job, lists it, pauses, resumes, marks it due and removes it', async () => {
    const home = tempDir();
    const env = { HERMES_HOME: home };

    const created = await runHermes(
      [
        'cron',
        'create',
        '--schedule',
        '0 9 * * *',
        '--prompt',
        'Summarise the news',
        '--name',
        'Morning news',
        '--deliver',
        'home:telegram',
      ],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const id = createdId(created.stdout);
    expect(created.stdout).toContain('"Morning news" (0 9 * * *): next run ');
    expect(created.stdout).toContain('delivers to home:telegram, missed runs: skip.');
    const stored = await readJob(home, id);
    expect(stored).toMatchObject({
      name: 'Morning news',
      schedule: '0 9 * * *',
      prompt: 'Summarise the news',
      deliverTo: { kind: 'home', platform: 'telegram' },
      missedPolicy: 'skip',
      status: 'active',
      createdBy: 'cli',
    });

    const listed = await runHermes(['cron', 'list'], env);
    expect(listed.code).toBe(0);
    const [header, row] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+SCHEDULE\s+NEXT RUN\s+LAST STATUS$/);
    expect(row).toMatch(
      new RegExp(`^${id}\\s+Morning news\\s+0 9 \\* \\* \\*\\s+\\S+T09:00:00Z\\s+never run$`),
    );

    const paused = await runHermes(['cron', 'pause', id], env);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain(`Paused cron job ${id}`);
    expect((await readJob(home, id))?.status).toBe('paused');
    expect((await runHermes(['cron', 'list'], env)).stdout).toMatch(/\spaused\s+never run/);

    const resumed = await runHermes(['cron', 'resume', id], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Resumed cron job ${id}`);
    expect((await readJob(home, id))?.status).toBe('active');

    const before = Date.now();
    const due = await runHermes(['cron', 'run', id], env);
    expect(due.code).toBe(0);
    expect(due.stdout).toContain('the running gateway runs it at its next tick');
    const dueJob = await readJob(home, id);
    expect(dueJob?.nextRunAt).toBeGreaterThanOrEqual(before);
    expect(dueJob?.nextRunAt).toBeLessThanOrEqual(Date.now());

    const removed = await runHermes(['cron', 'remove', id], env);
    expect(removed.code).toBe(0);
    expect(await readJob(home, id)).toBeUndefined();
    expect((await runHermes(['cron', 'list'], env)).stdout).toContain('No cron jobs.');
  });

  it('takes a one-shot delay to a chat thread, with run_once as its missed-run policy', async () => {
    const home = tempDir();
    const run = await runHermes(
      [
        'cron',
        'create',
        '--schedule',
        '2h',
        '--prompt',
        'Check the build',
        '--deliver',
        'origin:slack:thread:C1:17.5',
      ],
      { HERMES_HOME: home },
    );
    expect(run.code).toBe(0);
    expect(await readJob(home, createdId(run.stdout))).toMatchObject({
      name: 'Check the build',
      missedPolicy: 'run_once',
      deliverTo: { kind: 'origin', platform: 'slack', chatType: 'thread', chatId: 'C1', threadId: '17.5' },
    });
  });

  it('refuses a bad schedule with exit code 1 and the accepted forms', async () => {
    const run = await runHermes(
      ['cron', 'create', '--schedule', 'tomorrow morning', '--prompt', 'x', '--deliver', 'home:telegram'],
      { HERMES_HOME: tempDir() },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Invalid schedule "tomorrow morning"');
    expect(run.stderr).toContain('"every 2h"');
  });

  it('refuses a missing or bad delivery target and a bad missed-run policy with exit code 1', async () => {
    const env = { HERMES_HOME: tempDir() };
    const base = ['cron', 'create', '--schedule', 'every 1h', '--prompt', 'x'];
    const missing = await runHermes(base, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--deliver');
    const bad = await runHermes([...base, '--deliver', 'telegram'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid delivery target "telegram"');
    const policy = await runHermes([...base, '--deliver', 'home:telegram', '--missed', 'sometimes'], env);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toContain('Invalid missed-run policy "sometimes"');
  });

  it('refuses an unknown id with exit code 1', async () => {
    const run = await runHermes(['cron', 'pause', 'cron_nothere'], { HERMES_HOME: tempDir() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No cron job with id "cron_nothere"');
  });
});
