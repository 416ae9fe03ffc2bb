/**
 * A platform's settings as a zod schema: each field comes from one environment
 * variable or one key of `gateway.platforms.<name>.extra`, and every problem is
 * reported with that variable or key and the fix, the way `hermes gateway`
 * refuses bad configuration.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../../errors.ts';
import type { PlatformOptionsResult, PlatformSource, PlatformVariable } from '../platform-definition.ts';

/** Where a field is read and how to fix it. */
interface FieldBase<T> {
  /** Validates the raw value (a trimmed string or undefined for variables; anything for extra keys). */
  schema: z.ZodType<T>;
  /** What the operator should do when the value is wrong. */
  fix: string;
  /** Message and fix when a required field is absent. */
  missing?: { message: string; fix: string };
}

/** A field read from an environment variable. */
export interface EnvField<T> extends FieldBase<T> {
  env: string;
  /** Shown by `hermes gateway setup`. */
  description: string;
  secret?: boolean;
  /** Needed to turn the platform on (and reported missing when another variable turned it on). */
  required?: boolean;
  /** Read as is, not trimmed (passwords may begin or end with a space). */
  untrimmed?: boolean;
}

/** A field read from `gateway.platforms.<name>.extra.<key>`. */
export interface ExtraField<T> extends FieldBase<T> {
  extra: string;
}

// biome-ignore lint/suspicious/noExplicitAny: a field map holds fields of every value type
export type SettingsFields = Record<string, EnvField<any> | ExtraField<any>>;

/** The values a field map reads (absent values are undefined). */
export type SettingsOf<F extends SettingsFields> = {
  [K in keyof F]: F[K] extends EnvField<infer T> | ExtraField<infer T> ? T | undefined : never;
};

/** How a platform's settings are read. */
export interface SettingsSpec<F extends SettingsFields> {
  platform: string;
  fields: F;
  /** Variables whose presence turns the platform on (default: the required ones). */
  configuredBy?: readonly string[];
  /** Whether the values read turn the platform on after all (`WHATSAPP_ENABLED=false`: no). */
  active?: (values: SettingsOf<F>) => boolean;
  /**
   * Rules across fields. `failed` names the fields whose value was refused (their value is
   * then undefined). Issues are reported in the order of the fields they name.
   */
  check?: (values: SettingsOf<F>, failed: ReadonlySet<keyof F>) => ConfigIssue[];
}

/**
 * A field from an environment variable (trimmed; empty counts as unset).
 *
 * @example
 * fromEnv('TELEGRAM_API_ROOT', z.url(), { description: 'Bot API server', fix: 'set an http(s) URL' })
 */
export function fromEnv<T>(
  name: string,
  schema: z.ZodType<T>,
  meta: Omit<EnvField<T>, 'env' | 'schema'>,
): EnvField<T> {
  return { env: name, schema, ...meta };
}

/**
 * A field from `gateway.platforms.<name>.extra.<key>`.
 *
 * @example
 * fromExtra('require_mention', booleanSetting, { fix: 'write true or false' })
 */
export function fromExtra<T>(
  key: string,
  schema: z.ZodType<T>,
  meta: Omit<ExtraField<T>, 'extra' | 'schema'>,
): ExtraField<T> {
  return { extra: key, schema, ...meta };
}

/** A YAML boolean, or `true`/`false` (also yes/no, on/off, 1/0) as a string. */
export const booleanSetting = z.union(
  [
    z.boolean(),
    z
      .string()
      .regex(/^\s*(true|false|yes|no|on|off|1|0)\s*$/i)
      .transform((v) => /^(true|yes|on|1)$/i.test(v.trim())),
  ],
  { error: (issue) => `expected true or false, got ${JSON.stringify(issue.input)}` },
);

/** An http(s) URL; the message names the value. */
export const httpUrlSetting = z.string().refine(
  (value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { error: (issue) => `not an http(s) URL: ${String(issue.input)}` },
);

/** The key path of a field, as issues name it. */
export function fieldPath(platform: string, field: EnvField<unknown> | ExtraField<unknown>): string {
  return 'env' in field ? field.env : `gateway.platforms.${platform}.extra.${field.extra}`;
}

/**
 * Reads and checks a platform's settings.
 *
 * @example
 * readSettings(spec, { env: process.env, extra: {}, home });
 * // { configured: true, options: { token: '…' } } or { configured: true, issues: [{ path: 'TELEGRAM_BOT_TOKEN', message, fix }] }
 */
export function readSettings<F extends SettingsFields>(
  spec: SettingsSpec<F>,
  source: Pick<PlatformSource, 'env' | 'extra'>,
): PlatformOptionsResult<SettingsOf<F>> {
  const raw = (field: EnvField<unknown> | ExtraField<unknown>): unknown => {
    if ('env' in field) {
      const value = source.env[field.env];
      return value?.trim() ? (field.untrimmed ? value : value.trim()) : undefined;
    }
    const value = source.extra[field.extra];
    return value === null ? undefined : value;
  };
  const fields = Object.entries(spec.fields);
  const switches = spec.configuredBy ?? fields.flatMap(([, f]) => ('env' in f && f.required ? [f.env] : []));
  if (!switches.some((name) => source.env[name]?.trim())) return { configured: false };
  const issues: ConfigIssue[] = [];
  const values: Record<string, unknown> = {};
  const failed = new Set<keyof F>();
  for (const [key, field] of fields) {
    const path = fieldPath(spec.platform, field);
    const value = raw(field);
    if (value === undefined) {
      if ('env' in field && field.required) {
        failed.add(key);
        issues.push({
          path,
          message: field.missing?.message ?? 'missing',
          fix: field.missing?.fix ?? field.fix,
        });
      }
      continue;
    }
    const parsed = field.schema.safeParse(value);
    if (parsed.success) values[key] = parsed.data;
    else {
      failed.add(key);
      issues.push({ path, message: parsed.error.issues[0]?.message ?? 'invalid', fix: field.fix });
    }
  }
  if (spec.active && !spec.active(values as SettingsOf<F>)) return { configured: false };
  if (spec.check) issues.push(...spec.check(values as SettingsOf<F>, failed));
  const order = fields.map(([, field]) => fieldPath(spec.platform, field));
  const rank = (issue: ConfigIssue) => {
    const at = order.indexOf(issue.path);
    return at === -1 ? order.length : at;
  };
  issues.sort((a, b) => rank(a) - rank(b));
  return issues.length > 0
    ? { configured: true, issues }
    : { configured: true, options: values as SettingsOf<F> };
}

/** The variables of a field map, for `hermes gateway setup`. */
export function variablesOf(fields: SettingsFields): PlatformVariable[] {
  return Object.values(fields).flatMap((field) =>
    'env' in field
      ? [
          {
            name: field.env,
            description: field.description,
            ...(field.secret ? { secret: true } : {}),
            ...(field.required ? { required: true } : {}),
          },
        ]
      : [],
  );
}
