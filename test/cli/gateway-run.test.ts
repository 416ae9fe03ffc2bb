import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type GatewayCommandDeps,
  onProcessSignal,
  type RunningGateway,
  runGatewayCommand,
  type StartRuntimeOptions,
  type StopSignal,
} from '../../src/cli/gateway-command.ts';
import { GatewayError } from '../../src/errors.ts';
import { tempDir } from './run-hermes.ts';

/** Lets every pending promise continuation run (the command awaits the runtime's start). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise with its resolve function outside. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** The gateway command wired to a fake runtime and fake signals. */
function harness(home: string, opts: { env?: Record<string, string>; startFails?: Error } = {}) {
  const started = deferred<StartRuntimeOptions>();
  const startResult = deferred<RunningGateway>();
  const stopResult = deferred<void>();
  const stopReasons: string[] = [];
  const exits: number[] = [];
  let signalHandler: ((signal: StopSignal) => void) | undefined;
  let subscribed = false;
  const out = { stdout: '', stderr: '' };
  const running: RunningGateway = {
    stop: (reason) => {
      stopReasons.push(reason);
      return stopResult.promise;
    },
  };
  const deps: GatewayCommandDeps = {
    env: { HERMES_HOME: home, ...opts.env },
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    startRuntime: (startOpts) => {
      started.resolve(startOpts);
      if (opts.startFails) return Promise.reject(opts.startFails);
      return startResult.promise;
    },
    onSignal: (handler) => {
      signalHandler = handler;
      subscribed = true;
      return () => {
        subscribed = false;
      };
    },
    exit: (code) => {
      exits.push(code);
    },
    logToStdout: false,
  };
  return {
    deps,
    out,
    started: started.promise,
    /** Lets the runtime finish starting and the command notice it. */
    finishStart: async () => {
      startResult.resolve(running);
      await settle();
    },
    finishStop: () => stopResult.resolve(),
    failStop: (error: Error) => stopResult.reject(error),
    signal: (signal: StopSignal) => signalHandler?.(signal),
    stopReasons,
    exits,
    isSubscribed: () => subscribed,
  };
}

function logLines(home: string): Array<Record<string, unknown>> {
  return readFileSync(join(home, 'logs', 'gateway.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('hermes gateway (foreground run)', () => {
  it('starts the runtime with the loaded config, the home and a logger', async () => {
    const home = tempDir();
    const h = harness(home);
    const exitCode = runGatewayCommand({}, h.deps);
    const startOpts = await h.started;
    expect(startOpts.home).toBe(home);
    expect(startOpts.config.agent.backend).toBe('echo');
    expect(typeof startOpts.logger.info).toBe('function');
    await h.finishStart();
    h.signal('SIGTERM');
    h.finishStop();
    expect(await exitCode).toBe(0);
  });

  it('writes a starter config on the first run and tells the user the key and a curl command', async () => {
    const home = tempDir();
    const h = harness(home);
    const exitCode = runGatewayCommand({}, h.deps);
    const { config } = await h.started;
    const key = config.api_server.key ?? '';
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(config.api_server.enabled).toBe(true);
    expect(h.out.stderr).toContain(join(home, 'config.yaml'));
    expect(h.out.stderr).toContain(key);
    expect(h.out.stderr).toContain('curl http://127.0.0.1:8642/v1/chat/completions');
    expect(h.out.stderr).toContain(`Authorization: Bearer ${key}`);
    await h.finishStart();
    h.signal('SIGINT');
    h.finishStop();
    await exitCode;

    // The second run finds the config and says nothing about it.
    const again = harness(home);
    const secondExit = runGatewayCommand({}, again.deps);
    expect((await again.started).config.api_server.key).toBe(key);
    expect(again.out.stderr).toBe('');
    await again.finishStart();
    again.signal('SIGTERM');
    again.finishStop();
    expect(await secondExit).toBe(0);
  });

  it('stops the runtime once on SIGTERM and exits 0', async () => {
    const h = harness(tempDir());
    const exitCode = runGatewayCommand({}, h.deps);
    await h.started;
    await h.finishStart();
    h.signal('SIGTERM');
    h.finishStop();
    expect(await exitCode).toBe(0);
    expect(h.stopReasons).toEqual(['signal SIGTERM']);
    expect(h.exits).toEqual([]);
    expect(h.isSubscribed()).toBe(false);
  });

  it('exits at once with 130 on a second signal while stopping', async () => {
    const h = harness(tempDir());
    const exitCode = runGatewayCommand({}, h.deps);
    await h.started;
    await h.finishStart();
    h.signal('SIGINT');
    h.signal('SIGINT');
    expect(h.exits).toEqual([130]);
    expect(h.stopReasons).toEqual(['signal SIGINT']);
    h.finishStop();
    await exitCode;
  });

  it('stops right after starting when the signal came during startup', async () => {
    const h = harness(tempDir());
    const exitCode = runGatewayCommand({}, h.deps);
    await h.started;
    h.signal('SIGTERM');
    expect(h.stopReasons).toEqual([]);
    await h.finishStart();
    h.finishStop();
    expect(await exitCode).toBe(0);
    expect(h.stopReasons).toEqual(['signal SIGTERM']);
  });

  it('exits 1 when stopping fails', async () => {
    const h = harness(tempDir());
    const exitCode = runGatewayCommand({}, h.deps);
    await h.started;
    await h.finishStart();
    h.signal('SIGTERM');
    h.failStop(new Error('database busy'));
    expect(await exitCode).toBe(1);
  });

  it('logs JSON lines to <home>/logs/gateway.log from start to stop', async () => {
    const home = tempDir();
    const h = harness(home);
    const exitCode = runGatewayCommand({}, h.deps);
    const { logger } = await h.started;
    logger.info({ platform: 'api' }, 'adapter connected');
    await h.finishStart();
    h.signal('SIGTERM');
    h.finishStop();
    await exitCode;
    const lines = logLines(home);
    for (const line of lines) expect(line.name).toBe('hermes-gateway');
    expect(lines.map((line) => line.msg)).toEqual([
      'gateway starting',
      'adapter connected',
      'gateway running',
      'stopping the gateway (send the signal again to exit at once)',
      'gateway stopped',
    ]);
    expect(lines[1]).toMatchObject({ platform: 'api', level: 30 });
  });

  it('reports a runtime that fails to start: message on stderr, fatal line in the log, exit 1', async () => {
    const home = tempDir();
    const h = harness(home, { startFails: new GatewayError('GATEWAY_ERR_STORE', 'cannot open hermes.db') });
    expect(await runGatewayCommand({}, h.deps)).toBe(1);
    expect(h.out.stderr).toContain('hermes: cannot open hermes.db');
    const fatal = logLines(home).find((line) => line.level === 60);
    expect(fatal?.msg).toBe('gateway failed to start');
    expect(h.isSubscribed()).toBe(false);
  });

  it('exits 2 for a configuration problem raised by the runtime', async () => {
    const h = harness(tempDir(), {
      startFails: new GatewayError('GATEWAY_ERR_API_KEY', 'api key too short'),
    });
    expect(await runGatewayCommand({}, h.deps)).toBe(2);
  });

  it('never starts the runtime for --check, nor writes a starter config', async () => {
    const home = tempDir();
    const h = harness(home);
    expect(await runGatewayCommand({ check: true }, h.deps)).toBe(0);
    expect(h.out.stdout).toContain('Configuration OK');
    expect(existsSync(join(home, 'config.yaml'))).toBe(false);
    expect(existsSync(join(home, 'logs', 'gateway.log'))).toBe(false);
  });
});

describe('process signals', () => {
  it('delivers SIGTERM and SIGINT to the handler until unsubscribed', () => {
    const seen: StopSignal[] = [];
    const before = process.listenerCount('SIGTERM');
    const unsubscribe = onProcessSignal((signal) => seen.push(signal));
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    unsubscribe();
    expect(seen).toEqual(['SIGTERM', 'SIGINT']);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
