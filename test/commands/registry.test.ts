/**
 * The command registry: parsing command lines, names and aliases, refusing duplicates.
 */
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../src/commands/index.ts';
import { type CommandDefinition, CommandRegistry, parseCommand } from '../../src/commands/registry.ts';
import { GatewayError } from '../../src/errors.ts';

const command = (name: string, aliases?: string[]): CommandDefinition => ({
  name,
  ...(aliases ? { aliases } : {}),
  description: `the ${name} command`,
  busyAllowed: true,
  handler: async () => ({ text: name }),
});

/** The coded error `run` throws. */
function errorOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('parsing command lines', () => {
  it.each([
    ['/help', { name: 'help', args: '' }],
    ['/model openai:gpt-4o', { name: 'model', args: 'openai:gpt-4o' }],
    ['  /Model   openai:gpt-4o  ', { name: 'model', args: 'openai:gpt-4o' }],
    ['/model@hermes_bot openai:gpt-4o', { name: 'model', args: 'openai:gpt-4o' }],
    ['/status@hermes_bot', { name: 'status', args: '' }],
    ['/queue first line\nsecond line', { name: 'queue', args: 'first line\nsecond line' }],
    ['/reload-mcp', { name: 'reload-mcp', args: '' }],
  ])('reads %j as a command', (text, parsed) => {
    expect(parseCommand(text)).toEqual(parsed);
    expect(new CommandRegistry().parse(text)).toEqual(parsed);
  });

  it.each(['hello', 'what does /help do?', '/', '/ help', '/etc/hosts is a file', '//comment'])(
    'leaves %j to the agent',
    (text) => {
      expect(new CommandRegistry().parse(text)).toBeUndefined();
    },
  );
});

describe('registering commands', () => {
  it('lists commands in registration order and resolves names and aliases', () => {
    const registry = new CommandRegistry().register(command('one', ['uno'])).register(command('two'));
    expect(registry.list().map((c) => c.name)).toEqual(['one', 'two']);
    expect(registry.resolve('uno')?.name).toBe('one');
    expect(registry.resolve('/ONE')?.name).toBe('one');
    expect(registry.resolve('three')).toBeUndefined();
  });

  it.each([
    ['a name taken by a name', [command('new')], command('new')],
    ['an alias taken by a name', [command('new')], command('fresh', ['new'])],
    ['a name taken by an alias', [command('new', ['reset'])], command('reset')],
    ['an alias taken by an alias', [command('new', ['reset'])], command('clear', ['reset'])],
    ['an alias equal to its own name', [], command('new', ['new'])],
  ])('refuses %s with a coded error', (_, earlier, duplicate) => {
    const registry = new CommandRegistry();
    for (const c of earlier) registry.register(c);
    const error = errorOf(() => registry.register(duplicate));
    expect(error.code).toBe('GATEWAY_ERR_OPTION');
    expect(error.message).toMatch(/^The command \/(new|reset) is registered twice$/);
    expect(registry.list()).toHaveLength(earlier.length);
  });

  it('refuses a name nobody could type', () => {
    const error = errorOf(() => new CommandRegistry().register(command('Hello World')));
    expect(error.code).toBe('GATEWAY_ERR_OPTION');
    expect(error.message).toContain('cannot be typed');
  });

  it('refuses a built-in name registered again', () => {
    expect(errorOf(() => createBuiltinRegistry().register(command('help'))).code).toBe('GATEWAY_ERR_OPTION');
  });

  it('registers the built-in access, settings and information commands', () => {
    const names = createBuiltinRegistry()
      .list()
      .map((c) => c.name);
    for (const name of [
      'help',
      'whoami',
      'status',
      'sethome',
      'model',
      'personality',
      'reasoning',
      'usage',
      'insights',
    ]) {
      expect(names).toContain(name);
    }
  });
});
