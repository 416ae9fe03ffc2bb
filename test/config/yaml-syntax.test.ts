import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configIssues, tempHome } from './temp-home.ts';

function problemsIn(yaml: string) {
  return configIssues(() => loadConfig({ home: tempHome(yaml), env: {} }));
}

describe('YAML syntax errors in config.yaml', () => {
  it('points at the line of an unclosed quote and says what to correct', () => {
    const [issue, ...rest] = problemsIn(
      'agent:\n  model: gpt\napi_server:\n  host: "127.0.0.1\n  port: 8642\n',
    );
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('config.yaml:4');
    expect(issue?.message).toContain('YAML syntax error: Missing closing "quote');
    expect(issue?.fix).toContain('a closing quote');
  });

  it('points at the line of a repeated key', () => {
    const [issue] = problemsIn('agent:\n  model: a\n  model: b\n');
    expect(issue?.path).toBe('config.yaml:3');
    expect(issue?.fix).toBe('keep only one of the repeated keys in this section');
  });

  it('points at the line of a badly indented key', () => {
    const [issue, ...rest] = problemsIn('api_server:\n  port: 8642\n    host: x\n');
    expect(rest).toEqual([]);
    // YAML reads the deeper line as part of the value above it, so the mistake starts on line 2.
    expect(issue?.path).toBe('config.yaml:2');
    expect(issue?.message).toContain('YAML syntax error');
    expect(issue?.fix).toContain('indent the keys of a section by the same number of spaces');
  });

  it('points at a tab used for indentation', () => {
    const [issue] = problemsIn('api_server:\n\tport: 8642\n');
    expect(issue?.path).toBe('config.yaml:2');
    expect(issue?.fix).toContain('spaces');
  });
});
