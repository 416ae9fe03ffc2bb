import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { createOnboarding } from '../../src/config/onboarding.ts';
import { createSilentLogger } from '../../src/logger.ts';
import { tempHome } from './temp-home.ts';

describe('onboarding latches', () => {
  it('shows the busy-input tip once per install and records it in config.yaml, keeping the comments', () => {
    const home = tempHome('# my gateway\napi_server:\n  port: 9000 # the port\n');
    const config = loadConfig({ home, env: {} });
    const onboarding = createOnboarding(home, config, createSilentLogger());
    expect(onboarding.takeBusyTip()).toBe(true);
    expect(onboarding.takeBusyTip()).toBe(false);

    const text = readFileSync(join(home, 'config.yaml'), 'utf8');
    expect(text).toContain('# my gateway');
    expect(text).toContain('port: 9000 # the port');
    const reloaded = loadConfig({ home, env: {} });
    expect(reloaded.onboarding.seen.busy_input_prompt).toBe(true);
    // a later start of the same install does not show it again
    expect(createOnboarding(home, reloaded, createSilentLogger()).takeBusyTip()).toBe(false);
  });
});
