/**
 * Schema migrations, numbered and provided in code (no migration folder to
 * ship). `migrateToLatest()` is idempotent: it runs only the migrations a
 * database has not seen yet. The same migrations serve SQLite and PostgreSQL;
 * only the identity column differs per dialect.
 */
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { GatewayError } from '../errors.ts';

/** SQL dialects the migrations know how to write. */
export type SqlDialectName = 'sqlite' | 'postgres';

/** Adds an auto-incrementing integer primary key `id` the way the dialect spells it. */
function withIdentity<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: SqlDialectName,
): CreateTableBuilder<T, 'id'> {
  if (dialect === 'postgres') {
    return table.addColumn('id', 'bigint', (c: ColumnDefinitionBuilder) =>
      c.primaryKey().generatedByDefaultAsIdentity(),
    );
  }
  return table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement());
}

/**
 * The migrations of the gateway database, keyed by their ordered names
 * (`NNNN_what`, numbered from 0001 without gaps). A released migration is never
 * edited: a change of the schema is a new migration, and the golden database of
 * `test/fixtures/databases/` checks that an old database upgrades to the schema
 * a new one gets.
 *
 * @param dialect - which SQL dialect the migrations are written for
 */
export function gatewayMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('actors')
          .addColumn('actor_id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('machine_version', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('snapshot', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('actors_kind_state_idx')
          .on('actors')
          .columns(['kind', 'state'])
          .execute();

        await withIdentity(db.schema.createTable('inbox'), dialect)
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('platform_message_id', 'text', (c) => c.notNull())
          .addColumn('session_key', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('inbox_platform_message_unique', ['platform', 'platform_message_id'])
          .execute();
        await db.schema.createIndex('inbox_status_idx').on('inbox').column('status').execute();

        await withIdentity(db.schema.createTable('outbox'), dialect)
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('session_key', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('platform_message_id', 'text')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('outbox_status_idx').on('outbox').column('status').execute();

        await withIdentity(db.schema.createTable('transcript'), dialect)
          .addColumn('session_key', 'text', (c) => c.notNull())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('content', 'text', (c) => c.notNull())
          .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('model', 'text')
          .addColumn('inbox_id', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('transcript_conversation_idx')
          .on('transcript')
          .column('conversation_id')
          .execute();
        await db.schema
          .createIndex('transcript_session_idx')
          .on('transcript')
          .column('session_key')
          .execute();

        await db.schema
          .createTable('timers')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('due_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('timers_due_at_idx').on('timers').column('due_at').execute();

        await db.schema
          .createTable('meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002_pairing': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('pairing_requests')
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('user_name', 'text')
          .addColumn('chat_id', 'text', (c) => c.notNull())
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('salt', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('pairing_requests_pk', ['platform', 'user_id'])
          .execute();

        await db.schema
          .createTable('pairing_approved')
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('user_name', 'text')
          .addColumn('approved_at', 'bigint', (c) => c.notNull())
          .addColumn('notified', 'integer', (c) => c.notNull().defaultTo(0))
          .addPrimaryKeyConstraint('pairing_approved_pk', ['platform', 'user_id'])
          .execute();

        await db.schema
          .createTable('pairing_failures')
          .addColumn('platform', 'text', (c) => c.primaryKey())
          .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('first_failed_at', 'bigint')
          .addColumn('locked_until', 'bigint')
          .execute();
      },
    },
    '0003_cron': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('cron_jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('schedule', 'text', (c) => c.notNull())
          .addColumn('prompt', 'text', (c) => c.notNull())
          .addColumn('deliver_to', 'text', (c) => c.notNull())
          .addColumn('missed_policy', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('next_run_at', 'bigint')
          .addColumn('last_run_at', 'bigint')
          .addColumn('last_status', 'text')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex('cron_jobs_status_next_run_idx')
          .on('cron_jobs')
          .columns(['status', 'next_run_at'])
          .execute();
      },
    },
    '0004_leases': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('leases')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text')
          .addColumn('token', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}

/** A migration provider serving the in-code migrations. */
function inCodeProvider(dialect: SqlDialectName): MigrationProvider {
  return { getMigrations: async () => gatewayMigrations(dialect) };
}

/**
 * Creates or upgrades the schema. Safe to call on every start: migrations
 * already applied are skipped.
 *
 * @throws GatewayError `GATEWAY_ERR_STORE` naming the migration that failed
 *   (also when the database was written by a newer version with migrations this one does not know).
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  where: string,
): Promise<void> {
  const migrator = new Migrator({ db, provider: inCodeProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new GatewayError(
    'GATEWAY_ERR_STORE',
    failed ? `Migration ${failed} of ${where} failed: ${reason}` : `Cannot migrate ${where}: ${reason}`,
    { where, migration: failed },
    { cause: error },
  );
}
