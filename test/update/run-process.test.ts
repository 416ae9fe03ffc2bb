/**
 * The process seam never rejects: a missing program is exit code 127 with the
 * reason, a failing one keeps its exit code and error output.
 */
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../src/update/run-process.ts';
import { tempDir } from './temp-install.ts';

describe('runProcess', () => {
  it('answers 127 with the reason for a program that does not exist', async () => {
    const result = await runProcess('hermes-no-such-program', ['--version'], { cwd: tempDir() });
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('ENOENT');
  });

  it('keeps the exit code and the error output of a failing program', async () => {
    const script = 'process.stderr.write("boom\\n"); process.exit(3)';
    const result = await runProcess(process.execPath, ['-e', script], { cwd: tempDir() });
    expect(result).toMatchObject({ code: 3, stderr: 'boom\n' });
  });
});
