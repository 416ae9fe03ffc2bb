/**
 * Reading `config.yaml`: the YAML text becomes plain values, YAML syntax errors
 * become configuration problems located at `config.yaml:<line>`, and every key
 * keeps its line so later problems can point at it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type Document,
  type ErrorCode,
  isMap,
  isNode,
  isScalar,
  LineCounter,
  parseDocument,
  visit,
} from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.ts';
import type { KeyPath } from './schema-walk.ts';

/** What the file said. */
export interface ConfigFile {
  /** Absolute path of the file. */
  path: string;
  /** False when the file does not exist (all defaults). */
  exists: boolean;
  /** The top-level mapping of the file (empty when the file is missing or empty). */
  values: Record<string, unknown>;
  /** 1-based line of the key at `path`, when the file has it. */
  lineOf: (path: KeyPath) => number | undefined;
}

const SYNTAX_FIXES: Partial<Record<ErrorCode, string>> = {
  BAD_INDENT: 'indent this line with spaces to the same depth as the other keys of its section',
  TAB_AS_INDENT: 'indent with spaces instead of tabs',
  DUPLICATE_KEY: 'keep only one of the repeated keys in this section',
  MISSING_CHAR: 'add what is missing here: a closing quote or bracket, or ": " after the key',
  BLOCK_AS_IMPLICIT_KEY:
    'indent the keys of a section by the same number of spaces (a line indented deeper than the key above ' +
    'it is read as part of that value), and quote values that contain ": "',
  MULTILINE_IMPLICIT_KEY:
    'write each key and its value on one line ("key: value") and indent the keys of a section by the same ' +
    'number of spaces',
  BAD_DQ_ESCAPE: 'fix the backslash escape inside the double-quoted text, or use single quotes',
  UNEXPECTED_TOKEN: 'remove the unexpected character, or quote the value that contains it',
  MULTIPLE_DOCS: 'keep a single YAML document: remove the extra "---" separator',
};

const GENERIC_SYNTAX_FIX =
  'correct the YAML syntax on this line (indent with spaces, write "key: value" with a space after the colon, ' +
  'and close every quote and bracket)';

/** Start offset of the last quoted text that begins before `offset` (the one left open). */
function openingQuoteOffset(doc: Document.Parsed, offset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const begin = node.range?.[0];
      if (
        (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') &&
        begin !== undefined &&
        begin < offset &&
        (start === undefined || begin > start)
      ) {
        start = begin;
      }
    },
  });
  return start;
}

function noLines(): undefined {
  return undefined;
}

/** A problem with the file as a whole (unreadable, not a mapping). */
function fileProblem(path: string, message: string, fix: string): ConfigError {
  return new ConfigError([{ path: basename(path), message, fix }]);
}

/**
 * Reads and parses the config file at `path`. A missing file is not an error.
 *
 * @throws ConfigError for unreadable files, YAML syntax errors and a top level that is not a mapping.
 */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, exists: false, values: {}, lineOf: noLines };
    throw fileProblem(
      path,
      `cannot be read (${(error as Error).message})`,
      `make ${path} a readable file, or remove it to run with the defaults`,
    );
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const name = basename(path);
    const issues: ConfigIssue[] = [];
    const seenLines = new Set<number>();
    for (const error of doc.errors) {
      const firstLine = (error.message.split('\n')[0] ?? error.message).replace(
        / at line \d+, column \d+:?$/,
        '',
      );
      let position = error.linePos?.[0];
      // An unclosed quote is noticed where the file ends: point at the line where it opened.
      if (error.code === 'MISSING_CHAR' && /quote/.test(firstLine)) {
        const opened = openingQuoteOffset(doc, error.pos[0]);
        if (opened !== undefined) position = lineCounter.linePos(opened);
      }
      // One mistake often yields several errors on the same line: report it once.
      if (position !== undefined && seenLines.has(position.line)) continue;
      if (position !== undefined) seenLines.add(position.line);
      issues.push({
        path: position === undefined ? name : `${name}:${position.line}`,
        message: `YAML syntax error: ${firstLine}${position === undefined ? '' : ` (column ${position.col})`}`,
        fix: SYNTAX_FIXES[error.code] ?? GENERIC_SYNTAX_FIX,
      });
    }
    throw new ConfigError(issues);
  }

  let values: unknown;
  try {
    values = doc.toJS();
  } catch (error) {
    throw fileProblem(path, `cannot be read as YAML (${(error as Error).message})`, GENERIC_SYNTAX_FIX);
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw fileProblem(
      path,
      `must be a mapping of sections (agent:, api_server:, ...) but holds ${Array.isArray(values) ? 'a list' : 'a single value'}`,
      'write one section per line at the top level, e.g. "api_server:" followed by its indented keys',
    );
  }

  const lineOf = (keyPath: KeyPath): number | undefined => {
    const last = keyPath[keyPath.length - 1];
    if (last === undefined) return undefined;
    const parent = keyPath.length === 1 ? doc.contents : doc.getIn(keyPath.slice(0, -1) as unknown[], true);
    if (!isMap(parent)) return undefined;
    for (const pair of parent.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === String(last) && isNode(pair.key) && pair.key.range) {
        return lineCounter.linePos(pair.key.range[0]).line;
      }
    }
    return undefined;
  };

  return { path, exists: true, values: values as Record<string, unknown>, lineOf };
}
