import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * Webhooks and failure callbacks (DESIGN §8.6): subscriptions (`webhook`), the outbox
 * (`webhook_delivery`, unique per target and event so re-scans of the event log are
 * idempotent), the attempt log (`webhook_attempt`), the outbox's cursor over `run_event.id`
 * (`webhook_cursor`, created at the current highest event id: events logged before this
 * migration are never delivered), and a definition's failure settings
 * (`pipeline_failure_callback`). On MySQL the new tables get the binary collation of every
 * engine table.
 */
export class AddWebhooks1763684400000 implements MigrationInterface {
  name = 'AddWebhooks1763684400000';

  async up(q: QueryRunner): Promise<void> {
    const t = portableTypes(q);
    await q.createTable(
      new Table({
        name: 'webhook',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'events', type: t.jsonText },
          { name: 'pipeline_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'secret', type: 'varchar', length: '255' },
          { name: 'since_event_id', type: t.int, default: 0 },
          { name: 'created_at', ...t.datetime },
        ],
        indices: [{ name: 'idx_webhook_created', columnNames: ['created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_delivery',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'target', type: 'varchar', length: '64' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'webhook_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'event_id', type: t.int },
          { name: 'event_type', type: 'varchar', length: '64' },
          { name: 'run_id', type: 'varchar', length: '36' },
          { name: 'node_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'pipeline_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'callback_target', type: 'varchar', length: '2048', isNullable: true },
          { name: 'payload', type: t.jsonText },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: t.int, default: 0 },
          { name: 'next_attempt_at', ...t.datetime },
          { name: 'claimed_until', ...t.datetime, isNullable: true },
          { name: 'claim_token', type: 'varchar', length: '36', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '1024', isNullable: true },
          { name: 'created_at', ...t.datetime },
          { name: 'finished_at', ...t.datetime, isNullable: true },
        ],
        indices: [
          { name: 'uq_webhook_delivery_target_event', columnNames: ['target', 'event_id'], isUnique: true },
          { name: 'idx_webhook_delivery_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'idx_webhook_delivery_order', columnNames: ['target', 'run_id', 'status', 'event_id'] },
          { name: 'idx_webhook_delivery_webhook', columnNames: ['webhook_id', 'created_at'] },
          { name: 'idx_webhook_delivery_run', columnNames: ['run_id', 'kind'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_attempt',
        columns: [
          { name: 'id', type: t.int, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'delivery_id', type: 'varchar', length: '36' },
          { name: 'webhook_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'run_id', type: 'varchar', length: '36' },
          { name: 'node_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'event_id', type: t.int },
          { name: 'event_type', type: 'varchar', length: '64' },
          { name: 'attempt', type: t.int },
          { name: 'status_code', type: t.int, isNullable: true },
          { name: 'ok', type: 'boolean' },
          { name: 'error', type: 'varchar', length: '1024', isNullable: true },
          { name: 'duration_ms', type: t.int },
          { name: 'attempted_at', ...t.datetime },
        ],
        indices: [
          { name: 'idx_webhook_attempt_webhook', columnNames: ['webhook_id', 'id'] },
          { name: 'idx_webhook_attempt_delivery', columnNames: ['delivery_id', 'attempt'] },
          { name: 'idx_webhook_attempt_run', columnNames: ['run_id', 'id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_cursor',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'last_event_id', type: t.int },
          { name: 'updated_at', ...t.datetime },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'pipeline_failure_callback',
        columns: [
          { name: 'pipeline_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'on_failure', type: t.jsonText, isNullable: true },
          { name: 'webhook_secret', type: 'varchar', length: '255', isNullable: true },
          { name: 'updated_at', ...t.datetime },
        ],
      }),
    );
    if (t.isMysql) {
      for (const table of ['webhook', 'webhook_delivery', 'webhook_attempt', 'webhook_cursor', 'pipeline_failure_callback']) {
        await q.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      }
    }
    await q.createForeignKey(
      'pipeline_failure_callback',
      new TableForeignKey({
        name: 'FK_pipeline_failure_callback_pipeline',
        columnNames: ['pipeline_id'],
        referencedTableName: 'pipeline_definitions',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    // The cursor starts at the log's end: no delivery for what happened before webhooks existed.
    const [row] = (await q.query('SELECT MAX(id) AS m FROM run_event')) as Array<{ m: number | string | null }>;
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await q.query('INSERT INTO webhook_cursor (name, last_event_id, updated_at) VALUES (?, ?, ?)', ['run_event', Number(row?.m ?? 0), now]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropForeignKey('pipeline_failure_callback', 'FK_pipeline_failure_callback_pipeline');
    for (const table of ['pipeline_failure_callback', 'webhook_cursor', 'webhook_attempt', 'webhook_delivery', 'webhook']) {
      await q.dropTable(table);
    }
  }
}
