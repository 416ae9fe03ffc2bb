/**
 * Turns schema validation issues into plain-English configuration problems, each
 * with its dotted key path (or the environment variable that set it), what is
 * wrong and a concrete fix.
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../errors.ts';
import { closestMatch } from './closest-match.ts';
import { envLabel } from './env-overrides.ts';
import { defaultAt, isSectionAt, type KeyPath, knownKeysAt } from './schema-walk.ts';

/** What the explanation needs to know besides the issues. */
export interface ExplainContext {
  /** The values that were validated (file and environment merged). */
  input: unknown;
  /** Dotted key path → environment variable that set it. */
  sources: ReadonlyMap<string, string>;
  /** Line of a key in `config.yaml`, when the value came from the file. */
  lineOf?: (path: KeyPath) => number | undefined;
}

/** One validation issue, as zod reports it. */
export type SchemaIssue = z.core.$ZodIssue;

function dotted(path: KeyPath): string {
  return path.map(String).join('.');
}

function valueAt(input: unknown, path: KeyPath): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A short description of a value a user wrote: `the text "abc"`, `a list`, ... */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `the text "${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a section of keys';
  return typeof value;
}

/** Where a problem is and in whose words the fix is phrased. */
interface Place {
  path: KeyPath;
  label: string;
  /** "it" for a key in the file, the variable name for a value from the environment. */
  subject: string;
  /** ` (config.yaml line N)` when known. */
  where: string;
}

function placeOf(path: KeyPath, ctx: ExplainContext): Place {
  const key = dotted(path);
  const variable = ctx.sources.get(key);
  if (variable !== undefined) return { path, label: envLabel(variable, key), subject: variable, where: '' };
  const line = ctx.lineOf?.(path);
  return {
    path,
    label: key === '' ? '(top level)' : key,
    subject: 'it',
    where: line === undefined ? '' : ` (config.yaml line ${line})`,
  };
}

function numberExample(path: KeyPath): number {
  const value = defaultAt(path);
  return typeof value === 'number' ? value : 1;
}

function textExample(path: KeyPath): string {
  const value = defaultAt(path);
  return typeof value === 'string' && value !== '' ? `"${value}"` : '"..."';
}

function lastKey(path: KeyPath): string {
  return String(path[path.length - 1] ?? '');
}

function explainInvalidType(
  issue: z.core.$ZodIssueInvalidType,
  place: Place,
  received: unknown,
): ConfigIssue {
  const got = describeValue(received);
  const { label, subject, where } = place;
  switch (issue.expected) {
    case 'number':
      return {
        path: label,
        message: `expected a number but got ${got}${where}`,
        fix: `set ${subject} to a number such as ${numberExample(place.path)}`,
      };
    case 'int':
      return {
        path: label,
        message: `expected a whole number but got ${got}${where}`,
        fix: `set ${subject} to a whole number such as ${numberExample(place.path)}`,
      };
    case 'boolean':
      return {
        path: label,
        message: `expected true or false but got ${got}${where}`,
        fix: `set ${subject} to true or false`,
      };
    case 'string':
      return {
        path: label,
        message: `expected text but got ${got}${where}`,
        fix: `set ${subject} to text such as ${textExample(place.path)} (quote it if it contains a colon)`,
      };
    case 'object':
    case 'record':
      return {
        path: label,
        message: `expected a section of keys but got ${got}${where}`,
        fix: `write ${lastKey(place.path) || 'the file'} as a section with its keys indented below it (or "${lastKey(place.path)}: {}" for none)`,
      };
    default:
      return {
        path: label,
        message: `expected ${issue.expected} but got ${got}${where}`,
        fix: `set ${subject} to a ${issue.expected} value`,
      };
  }
}

function explainBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, place: Place): ConfigIssue {
  const { label, subject, where } = place;
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') {
    if (small && limit <= 1) {
      return {
        path: label,
        message: `must not be empty${where}`,
        fix:
          subject === 'it'
            ? `set it to a value such as ${textExample(place.path)}, or remove the line to use the default`
            : `set ${subject} to a value such as ${textExample(place.path)}, or unset it`,
      };
    }
    return {
      path: label,
      message: `must be ${small ? 'at least' : 'at most'} ${limit} characters long${where}`,
      fix: `set ${subject} to text of ${limit} characters or ${small ? 'more' : 'fewer'}`,
    };
  }
  const inclusive = issue.inclusive !== false;
  const bound = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  const edge = inclusive ? limit : small ? limit + 1 : limit - 1;
  const preferred = defaultAt(place.path);
  const fits = typeof preferred === 'number' && (small ? preferred >= edge : preferred <= edge);
  return {
    path: label,
    message: `must be ${bound} ${limit}${where}`,
    fix: `set ${subject} to a number ${bound} ${limit}, such as ${fits ? preferred : edge}`,
  };
}

function explainOne(issue: SchemaIssue, ctx: ExplainContext): ConfigIssue[] {
  const place = placeOf(issue.path, ctx);
  const received = valueAt(ctx.input, issue.path);
  const { label, subject, where } = place;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(issue.path);
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        const near = closestMatch(key, known);
        const keyPlace = placeOf(path, ctx);
        const knownList = `known keys here: ${known.join(', ')}`;
        return {
          path: keyPlace.label,
          message: `is not a known key${keyPlace.where}`,
          fix:
            near === undefined
              ? `remove it (${knownList})`
              : `did you mean "${near}"? Rename it to ${near}, or remove it (${knownList})`,
        };
      });
    }
    case 'invalid_type':
      return [explainInvalidType(issue, place, received)];
    case 'invalid_value': {
      const choices = issue.values.map(String);
      const near = typeof received === 'string' ? closestMatch(received, choices) : undefined;
      return [
        {
          path: label,
          message: `${describeValue(received)} is not one of the accepted values${where}`,
          fix: `use one of: ${choices.join(', ')}${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
        },
      ];
    }
    case 'too_small':
    case 'too_big':
      return [explainBound(issue, place)];
    case 'invalid_format':
      if (issue.format === 'url') {
        return [
          {
            path: label,
            message: `${describeValue(received)} is not a valid http(s) URL${where}`,
            fix: `set ${subject} to a full URL such as ${String(defaultAt(issue.path) ?? 'https://example.com')}`,
          },
        ];
      }
      return [
        {
          path: label,
          message: `${describeValue(received)} is not a valid ${issue.format}${where}`,
          fix: `set ${subject} to a valid ${issue.format}`,
        },
      ];
    case 'custom': {
      const fix = issue.params?.fix;
      return [
        {
          path: label,
          message: `${issue.message}${where}`,
          fix: typeof fix === 'string' ? fix : 'correct the value as the message describes',
        },
      ];
    }
    default:
      return [
        {
          path: label,
          message: `${issue.message}${where}`,
          fix: isSectionAt(issue.path)
            ? 'check the keys of this section against the documented configuration'
            : 'check the value against the documented configuration',
        },
      ];
  }
}

/** Explains every issue; one issue may become several problems (one per unknown key). */
export function explainIssues(issues: readonly SchemaIssue[], ctx: ExplainContext): ConfigIssue[] {
  return issues.flatMap((issue) => explainOne(issue, ctx));
}
