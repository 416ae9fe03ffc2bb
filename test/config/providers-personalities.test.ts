/**
 * `providers` (what `/model provider:model` may switch to) and `personalities`
 * (what `/personality name` may choose): accepted shapes and the problems a user sees.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configIssues, issueAt, tempHome } from './temp-home.ts';

const load = (yaml: string) => loadConfig({ home: tempHome(yaml), env: {} });
const problemsIn = (yaml: string) => configIssues(() => load(yaml));

describe('providers', () => {
  it('is empty when config.yaml has none', () => {
    expect(load('logging:\n  level: info\n').providers).toEqual({});
  });

  it('reads providers with their endpoint, key, models and default model', () => {
    const config = load(
      [
        'providers:',
        '  openai:',
        '    base_url: https://api.openai.com/v1',
        '    api_key: sk-test',
        '    models: [gpt-4o, gpt-4o-mini]',
        '    default_model: gpt-4o-mini',
        '  local:',
        '    base_url: http://127.0.0.1:11434/v1',
        '    models: ["llama3:8b"]',
        '',
      ].join('\n'),
    );
    expect(config.providers).toEqual({
      openai: {
        base_url: 'https://api.openai.com/v1',
        api_key: 'sk-test',
        models: ['gpt-4o', 'gpt-4o-mini'],
        default_model: 'gpt-4o-mini',
      },
      local: { base_url: 'http://127.0.0.1:11434/v1', models: ['llama3:8b'] },
    });
  });

  it('refuses a provider without models', () => {
    const issue = issueAt(
      problemsIn('providers:\n  openai:\n    base_url: https://api.openai.com/v1\n    models: []\n'),
      'providers.openai.models',
    );
    expect(issue.message).toContain('must list at least one model');
    expect(issue.fix).toContain('models: [');
  });

  it('refuses a default model that is not among the models', () => {
    const issue = issueAt(
      problemsIn(
        'providers:\n  openai:\n    base_url: https://api.openai.com/v1\n    models: [gpt-4o]\n    default_model: gpt-5\n',
      ),
      'providers.openai.default_model',
    );
    expect(issue.message).toContain('"gpt-5" is not one of this provider\'s models');
    expect(issue.fix).toBe('use one of: gpt-4o, or add it to models');
  });

  it('refuses a base_url that is not an http(s) URL', () => {
    const issue = issueAt(
      problemsIn('providers:\n  openai:\n    base_url: api.openai.com\n    models: [gpt-4o]\n'),
      'providers.openai.base_url',
    );
    expect(issue.message).toContain('is not a valid http(s) URL');
  });

  it('refuses a provider name with a colon, since /model uses provider:model', () => {
    const issue = issueAt(
      problemsIn('providers:\n  "my:llm":\n    base_url: https://x.example/v1\n    models: [m]\n'),
      'providers.my:llm',
    );
    expect(issue.message).toContain('may not contain a colon or a space');
    expect(issue.fix).toBe('rename it, e.g. to my_llm');
  });

  it('suggests the near miss for a misspelt provider key', () => {
    const issue = issueAt(
      problemsIn(
        'providers:\n  openai:\n    base_url: https://x.example/v1\n    modles: [m]\n    models: [m]\n',
      ),
      'providers.openai.modles',
    );
    expect(issue.fix).toContain('did you mean "models"?');
  });
});

describe('personalities', () => {
  it('is empty when config.yaml has none', () => {
    expect(load('logging:\n  level: info\n').personalities).toEqual({});
  });

  it('reads name → system prompt', () => {
    const config = load(
      'personalities:\n  pirate: Talk like a pirate.\n  concise: Answer in one sentence.\n',
    );
    expect(config.personalities).toEqual({
      pirate: 'Talk like a pirate.',
      concise: 'Answer in one sentence.',
    });
  });

  it('refuses the reserved name none, which /personality none uses to clear', () => {
    const issue = issueAt(problemsIn('personalities:\n  none: Be plain.\n'), 'personalities.none');
    expect(issue.message).toContain('is reserved');
    expect(issue.fix).toBe('rename it, e.g. to plain');
  });

  it('refuses an empty prompt and a name with a space', () => {
    const issues = problemsIn('personalities:\n  pirate: ""\n  "very formal": Be formal.\n');
    expect(issueAt(issues, 'personalities.pirate').message).toContain('must not be empty');
    expect(issueAt(issues, 'personalities.very formal').fix).toBe('rename it to one word, e.g. very_formal');
  });
});
