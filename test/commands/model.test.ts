/**
 * /model: shows this chat's model and the configured providers, switches to a
 * configured provider model (kept in the session settings), refuses anything else
 * with the choices.
 */
import { describe, expect, it } from 'vitest';
import { findModel, resolveModel } from '../../src/commands/model-choice.ts';
import { fakeServices, say } from './fake-services.ts';

const PROVIDERS = {
  agent: { model: 'gpt-4o-mini' },
  providers: {
    openai: {
      base_url: 'https://api.openai.com/v1',
      api_key: 'sk-test',
      models: ['gpt-4o', 'gpt-4o-mini'],
      default_model: 'gpt-4o-mini',
    },
    local: { base_url: 'http://127.0.0.1:11434/v1', models: ['llama3:8b', 'gpt-4o'] },
  },
};

describe('/model', () => {
  it('shows the default model and every configured choice', async () => {
    const fake = await fakeServices({ config: PROVIDERS });
    expect(await say(fake, '/model')).toBe(
      [
        'Model: gpt-4o-mini (the default)',
        'Available:',
        '• openai: gpt-4o, gpt-4o-mini (default gpt-4o-mini)',
        '• local: llama3:8b, gpt-4o',
        '/model provider:model switches this chat; /model default goes back to the default.',
      ].join('\n'),
    );
  });

  it('switches this chat to provider:model and shows it afterwards', async () => {
    const fake = await fakeServices({ config: PROVIDERS });
    expect(await say(fake, '/model local:llama3:8b')).toBe(
      '✅ Model for this chat: local:llama3:8b. It applies from your next message.',
    );
    expect(fake.sent).toEqual([{ type: 'SETTINGS', patch: { model: 'local:llama3:8b' } }]);
    expect(fake.settings()?.model).toBe('local:llama3:8b');
    expect((await say(fake, '/model'))?.split('\n')[0]).toBe('Model: local:llama3:8b (this chat)');
  });

  it('accepts a provider alone (its default model) and a model only one provider offers', async () => {
    const fake = await fakeServices({ config: PROVIDERS });
    expect(await say(fake, '/model openai')).toContain('openai:gpt-4o-mini');
    expect(await say(fake, '/model LLAMA3:8B')).toContain('local:llama3:8b');
    expect(fake.settings()?.model).toBe('local:llama3:8b');
  });

  it('asks which provider when several offer the model', async () => {
    const fake = await fakeServices({ config: PROVIDERS });
    expect(await say(fake, '/model gpt-4o')).toBe(
      '❓ gpt-4o is offered by several providers: write one of openai:gpt-4o, local:gpt-4o.',
    );
    expect(fake.sent).toEqual([]);
  });

  it('refuses an unknown model with the list of choices, and changes nothing', async () => {
    const fake = await fakeServices({ config: PROVIDERS, settings: { model: 'openai:gpt-4o' } });
    expect(await say(fake, '/model openai:gpt-5')).toBe(
      '❓ Unknown model “openai:gpt-5”. Choose one of: openai:gpt-4o, openai:gpt-4o-mini, local:llama3:8b, local:gpt-4o',
    );
    expect(fake.settings()?.model).toBe('openai:gpt-4o');
  });

  it('goes back to the default model', async () => {
    const fake = await fakeServices({ config: PROVIDERS, settings: { model: 'openai:gpt-4o' } });
    expect(await say(fake, '/model default')).toBe(
      '✅ This chat is back on the default model (gpt-4o-mini).',
    );
    expect(fake.settings()?.model).toBeNull();
  });

  it('says a chosen model is no longer configured', async () => {
    const fake = await fakeServices({ config: PROVIDERS, settings: { model: 'gone:model' } });
    expect((await say(fake, '/model'))?.split('\n')[0]).toBe(
      'Model: gone:model (this chat) — no longer in config.yaml',
    );
  });

  it('explains how to configure providers when there are none', async () => {
    const fake = await fakeServices();
    const hint =
      'No providers are configured, so there is nothing to switch to: add them under providers in config.yaml ' +
      '(each with base_url and models).';
    expect(await say(fake, '/model')).toBe(`Model: gpt-4o-mini (the default)\n${hint}`);
    expect(await say(fake, '/model openai:gpt-4o')).toBe(hint);
    expect(fake.sent).toEqual([]);
  });
});

describe('model choice for the runtime', () => {
  it('resolves a session setting to its endpoint and key, or nothing when not configured', async () => {
    const fake = await fakeServices({ config: PROVIDERS });
    const config = fake.services.config;
    expect(resolveModel(config, 'openai:gpt-4o')).toEqual({
      provider: 'openai',
      model: 'gpt-4o',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-test',
    });
    expect(resolveModel(config, 'local:llama3:8b')?.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(resolveModel(config, 'openai:gpt-5')).toBeUndefined();
    expect(resolveModel(config, 'gpt-4o')).toBeUndefined();
    expect(resolveModel(config, 'toString:x')).toBeUndefined();
    expect(findModel(config, 'nothing')).toEqual({ kind: 'unknown' });
  });
});
