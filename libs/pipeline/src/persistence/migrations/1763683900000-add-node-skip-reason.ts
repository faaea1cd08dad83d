import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** `node_state.skip_reason`: why a DAG work was SKIPPED by its trigger rule (DESIGN §8.1). */
export class AddNodeSkipReason1763683900000 implements MigrationInterface {
  name = 'AddNodeSkipReason1763683900000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('node_state', new TableColumn({ name: 'skip_reason', type: 'varchar', length: '16', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('node_state', 'skip_reason');
  }
}
