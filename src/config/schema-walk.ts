/**
 * Walking the config schema by key path: which keys a section knows, and which
 * schema (and default) sits at a path. Used to explain validation problems.
 */
import { z } from 'zod';
import { DEFAULT_CONFIG, GatewayConfigSchema } from './schema.ts';

/** A key path inside the configuration, e.g. `['api_server', 'port']`. */
export type KeyPath = readonly PropertyKey[];

/** Strips `.default()`, `.prefault()`, `.optional()` and `.nullable()` wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodDefault ||
    current instanceof z.ZodPrefault ||
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/**
 * The schema at `path` (wrappers removed), or undefined when no schema describes it
 * (an unknown key, or a place inside a free-form section).
 */
export function schemaAt(path: KeyPath, root: z.ZodType = GatewayConfigSchema): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(root);
  for (const key of path) {
    if (current instanceof z.ZodObject) {
      const shape = current.shape as Record<string, z.ZodType>;
      const next: z.ZodType | undefined =
        typeof key === 'string' && Object.hasOwn(shape, key) ? shape[key] : undefined;
      current = next === undefined ? undefined : unwrap(next);
    } else if (current instanceof z.ZodRecord) {
      current = unwrap(current.valueType as z.ZodType);
    } else {
      return undefined;
    }
  }
  return current;
}

/** The keys the section at `path` accepts (empty for free-form or non-section places). */
export function knownKeysAt(path: KeyPath): string[] {
  const schema = schemaAt(path);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** True when the schema at `path` is a section (a strict/loose object or a record). */
export function isSectionAt(path: KeyPath): boolean {
  const schema = schemaAt(path);
  return schema instanceof z.ZodObject || schema instanceof z.ZodRecord;
}

/** The default value at `path`, when the schema has one. */
export function defaultAt(path: KeyPath): unknown {
  let current: unknown = DEFAULT_CONFIG;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
