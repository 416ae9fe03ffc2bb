/**
 * The legacy `$HERMES_HOME/gateway.json`: per-platform reset overrides
 * (`reset_by_platform`), e.g. `{ "reset_by_platform": { "telegram": { "mode": "idle", "idle_minutes": 240 } } }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { ResetOverrideSchema } from './schema.ts';

/** File name of the legacy per-platform settings. */
export const GATEWAY_JSON_FILE = 'gateway.json';

const GatewayJsonSchema = z.looseObject({
  reset_by_platform: z.record(z.string(), ResetOverrideSchema).default({}),
});

/** The validated content of gateway.json. */
export type GatewayJson = z.output<typeof GatewayJsonSchema>;

/**
 * Reads `<home>/gateway.json` (an absent file is empty). Invalid content is
 * refused with the key path and the fix.
 *
 * @throws ConfigError naming `gateway.json: <path>`.
 */
export function loadGatewayJson(home: string): GatewayJson {
  const path = join(home, GATEWAY_JSON_FILE);
  if (!existsSync(path)) return { reset_by_platform: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      {
        path: GATEWAY_JSON_FILE,
        message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        fix: `correct the JSON syntax of ${path} or remove the file`,
      },
    ]);
  }
  const parsed = GatewayJsonSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => ({
      path: `${GATEWAY_JSON_FILE}: ${issue.path.join('.')}`,
      message: issue.message,
      fix:
        issue.path.at(-1) === 'mode'
          ? 'use one of: daily, idle, both, none'
          : 'use a mode (daily, idle, both, none), at_hour (0-23) and idle_minutes (a positive number)',
    })),
  );
}
