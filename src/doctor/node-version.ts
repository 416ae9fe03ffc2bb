/**
 * The Node.js running `hermes` against the `engines.node` range of package.json
 * (a `>=MAJOR.MINOR[.PATCH]` lower bound).
 */
import packageJson from '../../package.json' with { type: 'json' };
import { type CheckResult, fail, ok, warn } from './check-result.ts';

const NAME = 'Node version';

/** Splits `22.12.0` (or `v22.12`) into numbers, missing parts as 0. */
function parts(version: string): number[] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((p) => Number.parseInt(p, 10) || 0);
  return [major, minor, patch];
}

/** Negative when `a` is older than `b`. */
function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Checks `running` (default: this process's Node) against `required`
 * (default: package.json `engines.node`).
 */
export function checkNodeVersion(
  running: string = process.versions.node,
  required: string = packageJson.engines.node,
): CheckResult {
  const bound = /^>=\s*v?(\d+(?:\.\d+){0,2})$/.exec(required.trim());
  if (!bound?.[1]) return warn(NAME, `Node ${running}; cannot read the required range "${required}"`);
  if (compare(parts(running), parts(bound[1])) < 0) {
    return fail(
      NAME,
      `Node ${running} is older than the required ${required}`,
      `install Node ${bound[1]} or newer (e.g. "nvm install 24" or your distribution's nodejs package)`,
    );
  }
  return ok(NAME, `Node ${running} (needs ${required})`);
}
