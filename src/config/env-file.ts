/**
 * `$HERMES_HOME/.env`: platform tokens and allowlists as `NAME=value` lines.
 * `hermes` reads it at start (a variable already set in the environment wins)
 * and `hermes gateway setup` writes it, readable by the owner only (0600).
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.ts';
import { resolveHome } from './home.ts';

/** File name of the environment file inside the Hermes home. */
export const ENV_FILE_NAME = '.env';

/** Absolute path of the environment file of `home`. */
export function envFilePath(home: string): string {
  return join(home, ENV_FILE_NAME);
}

/** The variables of `<home>/.env` (empty when the file does not exist). */
export function readEnvFile(home: string): Record<string, string> {
  const path = envFilePath(home);
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

/**
 * Copies the variables of `$HERMES_HOME/.env` into `env` where `env` does not
 * set them, and returns their names.
 *
 * @example
 * loadHomeEnv(process.env); // before the configuration is read
 */
export function loadHomeEnv(env: NodeJS.ProcessEnv): string[] {
  const loaded: string[] = [];
  for (const [name, value] of Object.entries(readEnvFile(resolveHome(env)))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    loaded.push(name);
  }
  return loaded;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BARE_VALUE = /^[A-Za-z0-9_\-.:/@+,=%~*]*$/;
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** One `NAME=value` line that reads back as exactly `value`. */
export function envLine(name: string, value: string): string {
  const issue = (message: string, fix: string) => new ConfigError([{ path: name, message, fix }]);
  if (!VARIABLE_NAME.test(name)) throw issue('is not a variable name', 'use letters, digits and _ only');
  if (/[\r\n]/.test(value)) throw issue('contains a line break', 'enter the value on one line');
  if (BARE_VALUE.test(value)) return `${name}=${value}`;
  if (!value.includes("'")) return `${name}='${value}'`;
  if (!value.includes('`')) return `${name}=\`${value}\``;
  throw issue(
    'contains both a single quote and a backquote, which .env cannot hold',
    'set this variable in the service environment instead',
  );
}

/**
 * Sets `values` in `<home>/.env`: a variable already in the file is replaced
 * where it stands, new ones are appended, other lines and comments stay. The
 * file is replaced atomically and left readable by the owner only (0600).
 */
export function writeEnvFile(home: string, values: Readonly<Record<string, string>>): string {
  const path = envFilePath(home);
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  if (lines.at(-1) === '') lines.pop();
  const pending = new Map(Object.entries(values).map(([name, value]) => [name, envLine(name, value)]));
  const written = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const name = ASSIGNMENT.exec(line)?.[1];
    if (name === undefined || !pending.has(name)) out.push(line);
    else if (!written.has(name)) {
      out.push(pending.get(name) as string);
      written.add(name);
    }
  }
  for (const [name, line] of pending) if (!written.has(name)) out.push(line);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${out.join('\n')}\n`, { encoding: 'utf8', mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}
