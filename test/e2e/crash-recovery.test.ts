/**
 * kill -9 in the middle of an answer loses nothing that was accepted: the real
 * `hermes gateway` process is killed while the agent works, started again, and
 * the conversation continues from its last committed turn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  freePort,
  type GatewayProcess,
  killLeftovers,
  processesOf,
  startGatewayProcess,
} from '../support/gateway-process.ts';

const KEY = 'crash-test-key-0123456789';
// A command-line agent that is slow for prompts containing "slow" (a marker sleep the test can find and clean up).
const AGENT = 'read p; case "$p" in *slow*) sleep 61.25;; esac; echo "answer: $p"';

const dirs: string[] = [];
const processes: GatewayProcess[] = [];

afterEach(() => {
  for (const p of processes.splice(0)) p.child.kill('SIGKILL');
  // the agent's process group outlives a SIGKILLed gateway: end what this test's homes started
  for (const d of dirs) killLeftovers(d);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sessionState(home: string, actorId: string): string | undefined {
  const db = new Database(join(home, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('select state from actors where actor_id = ?').get(actorId) as
      | { state: string }
      | undefined;
    return row?.state;
  } finally {
    db.close();
  }
}

function transcript(home: string, sessionKey: string): [string, string][] {
  const db = new Database(join(home, 'state.db'), { readonly: true });
  try {
    const rows = db
      .prepare('select role, content from transcript where session_key = ? order by id')
      .all(sessionKey) as { role: string; content: string }[];
    return rows.map((r) => [r.role, r.content]);
  } finally {
    db.close();
  }
}

/** A fresh HERMES_HOME with the API server on a free port and the slow exec agent; `start` runs `hermes gateway` in it. */
async function install() {
  const home = mkdtempSync(join(tmpdir(), 'hermes-crash-'));
  dirs.push(home);
  const port = await freePort();
  const env = {
    HERMES_HOME: home,
    API_SERVER_ENABLED: 'true',
    API_SERVER_KEY: KEY,
    API_SERVER_PORT: String(port),
    HERMES_AGENT_BACKEND: 'exec',
    HERMES_AGENT_COMMAND: AGENT,
  };
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: KEY, maxRetries: 0 });
  const start = async ({ waitUntilRunning = true } = {}) => {
    const gateway = startGatewayProcess(env);
    processes.push(gateway);
    if (waitUntilRunning) await gateway.waitForLog('Gateway running');
    return gateway;
  };
  return { home, client, start };
}

describe('crash recovery of the real gateway process', () => {
  it('kill -9 mid-run: restart_interrupted, auto-resume scheduled, the follow-up is answered, the accepted message kept', async () => {
    const { home, client, start } = await install();
    const headers = { 'X-Hermes-Session-Id': 'crash1' };
    const first = await start();

    const inFlight = client.chat.completions
      .create({ model: 'hermes-agent', messages: [{ role: 'user', content: 'please be slow' }] }, { headers })
      .catch((error: unknown) => error);
    await eventually(() => sessionState(home, 'api:crash1') === 'running', 15_000, 'the run to start');

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(await inFlight).toBeInstanceOf(Error);

    const second = await start({ waitUntilRunning: false });
    const scheduled = await second.waitForLog('Scheduled auto-resume for 1 restart-interrupted session(s)');
    expect(scheduled.sessions).toEqual(['api:crash1']);
    await second.waitForLog('Gateway running');
    expect(sessionState(home, 'api:crash1')).toBe('restartInterrupted');

    const followUp = await client.chat.completions.create(
      { model: 'hermes-agent', messages: [{ role: 'user', content: 'are you back?' }] },
      { headers },
    );
    expect(followUp.choices[0]?.message.content).toBe('answer: are you back?');
    expect(transcript(home, 'api:crash1')).toEqual([
      ['user', 'please be slow'],
      ['user', 'are you back?'],
      ['assistant', 'answer: are you back?'],
    ]);
    expect(sessionState(home, 'api:crash1')).toBe('idle');

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('SIGTERM mid-run drains: the run is interrupted, the client is told, and the next start schedules the resume', async () => {
    const { home, client, start } = await install();
    const headers = { 'X-Hermes-Session-Id': 'drain1' };
    const first = await start();
    const inFlight = client.chat.completions.create(
      { model: 'hermes-agent', messages: [{ role: 'user', content: 'slow work please' }] },
      { headers },
    );
    await eventually(() => sessionState(home, 'api:drain1') === 'running', 15_000, 'the run to start');
    first.child.kill('SIGTERM');
    const notice = await inFlight;
    expect(notice.choices[0]?.message.content).toContain('Gateway restarting');
    expect(await first.exited).toBe(0);
    expect(sessionState(home, 'api:drain1')).toBe('restartInterrupted');
    // the agent's process group was ended by the drain
    expect(processesOf(home)).toEqual([]);

    const second = await start({ waitUntilRunning: false });
    await second.waitForLog('Scheduled auto-resume for 1 restart-interrupted session(s)');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
