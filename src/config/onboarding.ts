/**
 * One-time onboarding hints, latched in config.yaml under `onboarding.seen` so
 * they are shown once per install, not once per start.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { Logger } from '../logger.ts';
import { configPath } from './load-config.ts';
import type { GatewayConfig } from './schema.ts';

/** The latches the runtime asks for. */
export interface Onboarding {
  /** True once per install: the first busy acknowledgement carries a tip about `display.busy_input_mode`. */
  takeBusyTip(): boolean;
}

/**
 * Latches backed by `<home>/config.yaml`: taking a hint sets
 * `onboarding.seen.<hint>: true` in the file, keeping its comments and layout.
 *
 * @example
 * createGateway({ ..., onboarding: createOnboarding(home, config, logger) })
 */
export function createOnboarding(home: string, config: GatewayConfig, log: Logger): Onboarding {
  let busyTipSeen = config.onboarding.seen.busy_input_prompt;
  return {
    takeBusyTip() {
      if (busyTipSeen) return false;
      busyTipSeen = true;
      latch(configPath(home), 'busy_input_prompt', log);
      return true;
    },
  };
}

function latch(path: string, hint: string, log: Logger): void {
  try {
    const doc = parseDocument(existsSync(path) ? readFileSync(path, 'utf8') : '');
    doc.setIn(['onboarding', 'seen', hint], true);
    writeFileSync(path, doc.toString(), { mode: 0o600 });
  } catch (error) {
    log.warn(
      { path, hint, err: error instanceof Error ? error.message : String(error) },
      'Could not record a shown hint in config.yaml',
    );
  }
}
