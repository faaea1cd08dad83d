import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const id = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable });
const nodeRef = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '128', isNullable: nullable });
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const int = (name: string, dflt?: number): TableColumnOptions => ({ name, type: 'int', default: dflt });
const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean', default: false });
const time = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: nullable });

/** Portable (SQLite / MySQL) schema of runs, processes, node states, histories, context values and the event log. */
export class CreateRuns1763683300000 implements MigrationInterface {
  name = 'CreateRuns1763683300000';

  async up(q: QueryRunner): Promise<void> {
    // MySQL's TEXT caps at 64 KiB; trees and outputs may be bigger.
    const json = (name: string, nullable = true): TableColumnOptions => ({
      name,
      type: q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb' ? 'longtext' : 'text',
      isNullable: nullable,
    });
    await q.createTable(
      new Table({
        name: 'run',
        columns: [
          { ...id('id'), isPrimary: true },
          id('pipeline_id', true),
          { name: 'pipeline_version', type: 'int', isNullable: true },
          nodeRef('root_tree_id'),
          str('state', 16),
          str('business_key', 255, true),
          int('priority', 0),
          json('inputs'),
          json('outputs'),
          json('tree', false),
          json('converges', false),
          int('rev', 0),
          time('created_at', false),
          time('started_at'),
          time('finished_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_run_pipeline_created', columnNames: ['pipeline_id', 'created_at'] }),
          new TableIndex({ name: 'idx_run_state', columnNames: ['state'] }),
          new TableIndex({ name: 'idx_run_business_key', columnNames: ['business_key'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'run_process',
        columns: [
          { ...id('id'), isPrimary: true },
          id('run_id'),
          id('parent_id', true),
          nodeRef('scope_id'),
          nodeRef('current_node_id'),
          nodeRef('destination_id', true),
          str('state', 16),
          int('pending_children', 0),
          int('rev', 0),
          time('updated_at', false),
        ],
        indices: [new TableIndex({ name: 'idx_run_process_run', columnNames: ['run_id', 'state'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'node_state',
        columns: [
          { ...id('run_id'), isPrimary: true },
          { ...nodeRef('node_id'), isPrimary: true },
          nodeRef('scope_id'),
          id('process_id'),
          str('state', 16),
          int('version'),
          int('loop', 1),
          int('retries', 0),
          bool('skip'),
          bool('error_ignored'),
          int('schedule_times', 0),
          json('inputs'),
          json('outputs'),
          json('ex_data'),
          time('started_at'),
          time('finished_at'),
        ],
        indices: [new TableIndex({ name: 'idx_node_state_run_state', columnNames: ['run_id', 'state'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'node_history',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          id('run_id'),
          nodeRef('node_id'),
          str('kind', 32),
          int('version'),
          int('loop'),
          int('retries'),
          str('state', 16),
          json('inputs'),
          json('outputs'),
          json('ex_data'),
          time('started_at'),
          time('finished_at'),
          time('created_at', false),
        ],
        indices: [new TableIndex({ name: 'idx_node_history_node', columnNames: ['run_id', 'node_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'context_value',
        columns: [
          { ...id('run_id'), isPrimary: true },
          { ...nodeRef('scope_id'), isPrimary: true },
          { ...str('key', 255), isPrimary: true },
          json('value'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'run_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          id('run_id'),
          nodeRef('node_id', true),
          str('event_type', 64),
          json('data'),
          time('created_at', false),
        ],
        indices: [new TableIndex({ name: 'idx_run_event_run', columnNames: ['run_id', 'id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['run_event', 'context_value', 'node_history', 'node_state', 'run_process', 'run']) {
      await q.dropTable(t, true);
    }
  }
}
