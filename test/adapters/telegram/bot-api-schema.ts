/**
 * Runtime validators for Bot API objects, generated from @grammyjs/types (the
 * types grammY itself is written against) with ts-json-schema-generator and
 * checked with ajv. The fake Bot API validates every Update it hands out and
 * every Message, File and User it answers with, so the fake cannot drift from
 * what real Telegram sends. The schema is generated once per run and cached in
 * the temp folder, keyed by the package versions.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';

const require = createRequire(import.meta.url);

/** The Bot API object kinds the fake checks. */
export type BotApiType = 'Update' | 'Message' | 'File' | 'UserFromGetMe';

/** Checks one object; returns the problems (empty when valid). */
export type BotApiValidator = (type: BotApiType, value: unknown) => string[];

interface Definitions {
  definitions: Record<string, unknown>;
  getMe: Record<string, unknown>;
}

function generate(typesDir: string): Definitions {
  const generator = createGenerator({
    path: join(typesDir, 'mod.d.ts'),
    type: '*',
    skipTypeCheck: true,
    expose: 'export',
    topRef: false,
    additionalProperties: false,
  });
  // with topRef off the root is Update itself and `definitions` holds the rest
  const {
    definitions,
    $schema: _,
    ...update
  } = generator.createSchema('Update') as {
    definitions: Record<string, unknown>;
    $schema?: string;
  };
  const getMe = generator.createSchema('UserFromGetMe') as Record<string, unknown>;
  return { definitions: { ...definitions, Update: update }, getMe };
}

function cached(): Definitions {
  const typesDir = dirname(require.resolve('@grammyjs/types/package.json'));
  const typesVersion = (
    JSON.parse(readFileSync(join(typesDir, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const generatorVersion = (
    JSON.parse(readFileSync(require.resolve('ts-json-schema-generator/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const folder = join(tmpdir(), 'hermes-gateway-test-schemas');
  const file = join(folder, `grammyjs-types-${typesVersion}-tsjsg-${generatorVersion}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Definitions;
  } catch {
    const defs = generate(typesDir);
    mkdirSync(folder, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(defs));
    renameSync(temp, file);
    return defs;
  }
}

const SCHEMA_ID = 'https://hermes.test/telegram-bot-api.json';

let shared: BotApiValidator | undefined;

/**
 * The validator (built on first use).
 *
 * @example
 * const validate = botApiValidator();
 * expect(validate('Update', update)).toEqual([]);
 */
export function botApiValidator(): BotApiValidator {
  if (shared) return shared;
  const defs = cached();
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ $id: SCHEMA_ID, definitions: defs.definitions });
  const compiled: Record<BotApiType, ValidateFunction> = {
    Update: ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/Update` }),
    Message: ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/Message` }),
    File: ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/File` }),
    UserFromGetMe: ajv.compile(defs.getMe),
  };
  shared = (type, value) => {
    const check = compiled[type];
    if (check(value)) return [];
    return (check.errors ?? []).map(
      (e) => `${type}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
    );
  };
  return shared;
}
