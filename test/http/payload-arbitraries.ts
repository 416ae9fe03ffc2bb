/**
 * Malformed payloads for the property tests of the inbound HTTP surfaces:
 * odd unicode (lone surrogates, direction marks, NUL, combining marks, emoji
 * sequences), values of the wrong type (null, booleans, arrays where objects
 * belong, objects where text belongs), numbers JSON can carry but JavaScript
 * cannot hold exactly (1e400, 30 digits), and mutations of a valid payload
 * (a field removed or replaced, one to three at a time).
 */
import fc from 'fast-check';

/** Pieces of text that have broken parsers before. */
const ODD_PIECES = [
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\u202e',
  '\u200b',
  '\u0000',
  '\ufeff',
  'e\u0301',
  '👩‍👩‍👧',
  '\uffff',
  '𝕳𝖊𝖗𝖒𝖊𝖘',
  '\u2028',
  '@hermes_bot',
  '/start',
  '\\',
  '"',
  '{',
  '%00',
  'ﷺ',
  '\r\n',
];

/** Text with odd unicode. */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...ODD_PIECES), { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Marks a value that is written into the JSON text as a huge number literal. */
export const HUGE = '\u0000__huge__\u0000';

/** Number literals JSON allows that JavaScript cannot hold exactly. */
const HUGE_LITERALS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '1e-400',
  '-0',
  '9007199254740993',
];

/** A value of the wrong type for almost any field. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 1.5, Number.MAX_SAFE_INTEGER, -1),
  fc.constant(HUGE),
  oddText,
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
);

/** Serialises a payload, writing each `HUGE` marker as a huge number literal. */
export function toJsonText(value: unknown, seed: number): string {
  let n = seed;
  return JSON.stringify(value).replaceAll(JSON.stringify(HUGE), () => {
    n += 1;
    return HUGE_LITERALS[n % HUGE_LITERALS.length] as string;
  });
}

/** One change to a payload: remove the field at `path`, or set it to a wrong value. */
export type Mutation =
  | { path: (string | number)[]; op: 'delete' }
  | { path: (string | number)[]; op: 'set'; value: unknown };

/** Applies mutations to a deep copy of `value`. */
export function mutate(value: unknown, mutations: Mutation[]): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  for (const mutation of mutations) {
    let target: unknown = copy;
    const path = mutation.path;
    for (const key of path.slice(0, -1)) {
      if (typeof target !== 'object' || target === null) break;
      target = (target as Record<string | number, unknown>)[key];
    }
    if (typeof target !== 'object' || target === null) continue;
    const last = path[path.length - 1] as string | number;
    if (mutation.op === 'delete') delete (target as Record<string | number, unknown>)[last];
    // a copy: a generated value (the constant `{}`) may be set twice, and must not come to contain itself
    else (target as Record<string | number, unknown>)[last] = structuredClone(mutation.value);
  }
  return copy;
}

/** One to three mutations at the given paths. */
export function mutations(paths: (string | number)[][]): fc.Arbitrary<Mutation[]> {
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    fc.constantFrom(...paths).map((path): Mutation => ({ path, op: 'delete' })),
    fc
      .tuple(fc.constantFrom(...paths), wrongValue)
      .map(([path, value]): Mutation => ({ path, op: 'set', value })),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

/** A body that is not JSON: odd text, or bytes that are not even UTF-8. */
export const notJsonBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  oddText.filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Uint8Array.from([0xff, ...bytes])),
  fc.constantFrom('{"update_id": 5, "message": ', '[1,2', '{"a":1}}', 'null null', '\ufeff{}', '{"a":NaN}'),
);

/** Any JSON document, with odd unicode in its strings. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(oddText, wrongValue, { maxKeys: 4 }),
  fc.array(wrongValue, { maxLength: 4 }),
);

/** How many runs each property makes (the same for every surface). */
export const RUNS = {
  anyJson: 150,
  mutations: 300,
  notJson: 100,
  badCredentials: 100,
  concurrentBatches: 30,
} as const;
