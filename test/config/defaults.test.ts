import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG } from '../../src/config/schema.ts';
import { tempHome } from './temp-home.ts';

describe('configuration defaults', () => {
  it('runs with the documented defaults when there is no config.yaml and no environment', () => {
    const config = loadConfig({ home: tempHome(), env: {} });
    expect(config).toEqual({
      agent: {
        backend: 'echo',
        model: 'gpt-4o-mini',
        base_url: 'https://api.openai.com/v1',
        max_tool_rounds: 8,
        speech_voice: 'alloy',
        speech_format: 'mp3',
        timeout_seconds: 600,
        clarify_timeout_seconds: 600,
        terminal: { enabled: true, timeout_seconds: 120 },
        context_window_tokens: 128_000,
        compress_threshold: 0.8,
        auto_compress: true,
      },
      api_server: {
        enabled: false,
        host: '127.0.0.1',
        port: 8642,
        body_limit_bytes: 1_048_576,
        model_name: 'hermes-agent',
        rate_limit_per_minute: 0,
      },
      sessions: { passivate_after_seconds: 600, auto_resume_window_hours: 24 },
      skills: { dirs: [] },
      gateway: {
        restart_budget: { max_restarts: 5, window_seconds: 60 },
        drain_timeout_seconds: 10,
        circuit_breaker: { failure_threshold: 5, window_seconds: 60, max_backoff_seconds: 60 },
        http: {
          host: '127.0.0.1',
          port: 8443,
          body_limit_bytes: 1_048_576,
          rate_limit_per_minute: 1200,
          trust_proxy: false,
        },
        media: { max_bytes: 20_971_520, retention_days: 7, download_timeout_seconds: 60 },
        platforms: {},
      },
      logging: { level: 'info', max_size_mb: 10, keep: 5 },
      mcp_servers: {},
      display: {
        busy_input_mode: 'interrupt',
        busy_ack_enabled: true,
        busy_queue_cap: 32,
        tool_progress_command: false,
        background_process_notifications: 'all',
        platforms: {},
      },
      onboarding: { seen: { busy_input_prompt: false } },
      session_reset: { mode: 'both', at_hour: 4, idle_minutes: 1440, by_chat_type: {} },
      providers: {},
      personalities: {},
      toolsets: {},
      operator: { enabled: false, host: '127.0.0.1', port: 8644 },
      checkpoints: { max_count: 50, max_age_days: 30, max_files: 50_000 },
    });
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it('treats an empty config.yaml like a missing one', () => {
    expect(loadConfig({ home: tempHome(''), env: {} })).toEqual(DEFAULT_CONFIG);
    expect(loadConfig({ home: tempHome('# only comments\n'), env: {} })).toEqual(DEFAULT_CONFIG);
  });

  it('treats sections and keys written without a value as defaults', () => {
    const config = loadConfig({
      home: tempHome(
        'agent:\n  api_key:\napi_server:\nsessions:\ngateway:\n  platforms:\n    telegram:\ndisplay:\n',
      ),
      env: {},
    });
    expect(config.agent.api_key).toBeUndefined();
    expect(config.api_server).toEqual(DEFAULT_CONFIG.api_server);
    expect(config.gateway.platforms).toEqual({ telegram: {} });
  });

  it('keeps DEFAULT_CONFIG from being changed by a caller', () => {
    expect(() => {
      (DEFAULT_CONFIG.api_server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(DEFAULT_CONFIG.api_server.port).toBe(8642);
  });

  it("hands out a fresh object each time so one gateway cannot change another one's config", () => {
    const home = tempHome();
    const first = loadConfig({ home, env: {} });
    first.api_server.port = 9999;
    expect(loadConfig({ home, env: {} }).api_server.port).toBe(8642);
  });
});
