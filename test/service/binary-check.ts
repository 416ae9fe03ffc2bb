/**
 * Tests that need a binary of the machine (systemd-analyze, a systemd user
 * manager) skip with a visible reason when it is missing, except under CI=true,
 * where a missing binary is a failure.
 */
import { describe, it } from 'vitest';

/**
 * Declares `body` inside a describe that runs only when `missing` is undefined.
 *
 * @param missing why the tests cannot run here, or undefined
 * @param requiredInCi false: the reason is about the machine's session, not an
 *   installable package, so the tests skip under CI too
 */
export function describeWhenAvailable(
  name: string,
  missing: string | undefined,
  body: () => void,
  { requiredInCi = true } = {},
): void {
  if (missing && requiredInCi && process.env.CI === 'true') {
    describe(name, () => {
      it('needs its binary under CI', () => {
        throw new Error(`required under CI: ${missing}`);
      });
    });
    return;
  }
  if (missing) console.warn(`[service tests] skipped "${name}": ${missing}`);
  describe.skipIf(missing !== undefined)(name, body);
}
