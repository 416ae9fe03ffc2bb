/**
 * Runs a group of email tests against a real Dovecot, or skips it with a
 * visible reason when Dovecot is not installed (a failure under CI=true, where
 * it must be).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Dovecot, dovecotMissing, startDovecot } from './dovecot.ts';

/**
 * Declares `body` inside a describe that owns one Dovecot for all its tests.
 *
 * @param name the describe title
 * @param body gets a function returning the running Dovecot
 * @param opts.idle false: the server does not announce IDLE
 */
export function describeWithDovecot(
  name: string,
  body: (dovecot: () => Dovecot) => void,
  opts: { idle?: boolean } = {},
): void {
  const missing = dovecotMissing();
  if (missing && process.env.CI === 'true') {
    describe(name, () => {
      it('needs Dovecot', () => {
        throw new Error(`Dovecot is required under CI: ${missing}`);
      });
    });
    return;
  }
  if (missing) console.warn(`[email tests] skipped "${name}": ${missing}`);
  describe.skipIf(!!missing)(name, () => {
    let server: Dovecot | undefined;
    beforeAll(async () => {
      server = await startDovecot(opts);
    });
    afterAll(async () => {
      await server?.stop();
    });
    body(() => {
      if (!server) throw new Error('Dovecot is not running');
      return server;
    });
  });
}
