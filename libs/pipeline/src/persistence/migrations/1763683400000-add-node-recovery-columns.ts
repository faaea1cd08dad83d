import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** `node_state.awaiting` and `updated_at`: what a running activity waits for, and since when (recovery). */
export class AddNodeRecoveryColumns1763683400000 implements MigrationInterface {
  name = 'AddNodeRecoveryColumns1763683400000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('node_state', [
      new TableColumn({ name: 'awaiting', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'updated_at', type: 'datetime', precision: 3, isNullable: true }),
    ]);
    await q.createIndex('node_state', new TableIndex({ name: 'idx_node_state_state_updated', columnNames: ['state', 'updated_at'] }));
    await q.createIndex('run_process', new TableIndex({ name: 'idx_run_process_state_updated', columnNames: ['state', 'updated_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('run_process', 'idx_run_process_state_updated');
    await q.dropIndex('node_state', 'idx_node_state_state_updated');
    await q.dropColumns('node_state', ['updated_at', 'awaiting']);
  }
}
