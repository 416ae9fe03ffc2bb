/** The real command seam: exit codes and output come back; a missing command is a coded error with the fix. */
import { describe, expect, it } from 'vitest';
import { runCommand, runOrFail } from '../../src/service/command-runner.ts';
import { ServiceError } from '../../src/service/service-error.ts';

describe('runCommand', () => {
  it('resolves with exit code and output, also for a failing command', async () => {
    expect(await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3'])).toEqual({
      code: 3,
      stdout: 'out\n',
      stderr: 'err\n',
    });
  });

  it('rejects a missing systemctl with GATEWAY_ERR_SERVICE and what to do without systemd', async () => {
    const error = await runCommand('hermes-test-no-such-systemctl', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('GATEWAY_ERR_SERVICE');
    expect((error as ServiceError).message).toContain('hermes-test-no-such-systemctl was not found on PATH');
  });

  it('runOrFail names the command line, its exit code, its output and the fix', async () => {
    const error = await runOrFail(runCommand, 'sh', ['-c', 'echo nope >&2; exit 4'], 'do this').catch(
      (e: unknown) => e,
    );
    expect((error as ServiceError).message).toBe(
      '"sh -c echo nope >&2; exit 4" failed with exit code 4: nope. Fix: do this',
    );
  });
});
