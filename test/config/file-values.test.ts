import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG } from '../../src/config/schema.ts';
import { tempHome } from './temp-home.ts';

describe('values from config.yaml', () => {
  it('uses every value written in the file', () => {
    const home = tempHome(`
agent:
  backend: openai
  model: gpt-4.1
  base_url: http://127.0.0.1:11434/v1
  api_key: sk-test
  system_prompt: You are terse.
  max_tool_rounds: 3
  speech_model: tts-1-hd
  speech_voice: nova
  speech_format: opus
  timeout_seconds: 30
  clarify_timeout_seconds: 90
  terminal:
    enabled: false
    timeout_seconds: 5
  context_window_tokens: 32000
  compress_threshold: 0.6
  auto_compress: false
api_server:
  enabled: true
  host: 0.0.0.0
  port: 9000
  key: a-very-long-secret-key
  body_limit_bytes: 2048
  model_name: my-agent
  rate_limit_per_minute: 30
sessions:
  passivate_after_seconds: 60
  auto_resume_window_hours: 0
gateway:
  restart_budget:
    max_restarts: 2
    window_seconds: 10
  drain_timeout_seconds: 3
  circuit_breaker:
    failure_threshold: 3
    window_seconds: 30
    max_backoff_seconds: 120
  http:
    host: 0.0.0.0
    port: 8080
    body_limit_bytes: 4096
    rate_limit_per_minute: 60
    trust_proxy: true
  media:
    max_bytes: 5242880
    retention_days: 2
    download_timeout_seconds: 20
  platforms:
    telegram:
      enabled: true
      unauthorized_dm_behavior: ignore
      extra:
        allow_from: "111,alice@example.com"
        allow_admin_from: [111, "222"]
        user_allowed_commands: [status, model]
        bot_name: hermes
logging:
  level: debug
display:
  show_reasoning: true
`);
    const config = loadConfig({ home, env: {} });
    expect(config.agent).toEqual({
      backend: 'openai',
      model: 'gpt-4.1',
      base_url: 'http://127.0.0.1:11434/v1',
      api_key: 'sk-test',
      system_prompt: 'You are terse.',
      max_tool_rounds: 3,
      speech_model: 'tts-1-hd',
      speech_voice: 'nova',
      speech_format: 'opus',
      timeout_seconds: 30,
      clarify_timeout_seconds: 90,
      terminal: { enabled: false, timeout_seconds: 5 },
      context_window_tokens: 32_000,
      compress_threshold: 0.6,
      auto_compress: false,
    });
    expect(config.api_server).toEqual({
      enabled: true,
      host: '0.0.0.0',
      port: 9000,
      key: 'a-very-long-secret-key',
      body_limit_bytes: 2048,
      model_name: 'my-agent',
      rate_limit_per_minute: 30,
    });
    expect(config.sessions).toEqual({ passivate_after_seconds: 60, auto_resume_window_hours: 0 });
    expect(config.gateway).toEqual({
      restart_budget: { max_restarts: 2, window_seconds: 10 },
      drain_timeout_seconds: 3,
      circuit_breaker: { failure_threshold: 3, window_seconds: 30, max_backoff_seconds: 120 },
      http: {
        host: '0.0.0.0',
        port: 8080,
        body_limit_bytes: 4096,
        rate_limit_per_minute: 60,
        trust_proxy: true,
      },
      media: { max_bytes: 5_242_880, retention_days: 2, download_timeout_seconds: 20 },
      platforms: {
        telegram: {
          enabled: true,
          unauthorized_dm_behavior: 'ignore',
          extra: {
            allow_from: '111,alice@example.com',
            allow_admin_from: ['111', '222'],
            user_allowed_commands: ['status', 'model'],
            bot_name: 'hermes',
          },
        },
      },
    });
    expect(config.logging.level).toBe('debug');
    expect(config.display).toEqual({
      show_reasoning: true,
      busy_input_mode: 'interrupt',
      busy_ack_enabled: true,
      busy_queue_cap: 32,
      tool_progress_command: false,
      background_process_notifications: 'all',
      platforms: {},
    });
  });

  it('fills the keys a section leaves out with their defaults', () => {
    const config = loadConfig({
      home: tempHome('api_server:\n  port: 9100\nagent:\n  terminal:\n    enabled: false\n'),
      env: {},
    });
    expect(config.api_server).toEqual({ ...DEFAULT_CONFIG.api_server, port: 9100 });
    expect(config.agent.terminal).toEqual({ enabled: false, timeout_seconds: 120 });
    expect(config.sessions).toEqual(DEFAULT_CONFIG.sessions);
  });

  it('accepts port 0 to let the system pick a free port', () => {
    expect(loadConfig({ home: tempHome('api_server:\n  port: 0\n'), env: {} }).api_server.port).toBe(0);
  });
});
