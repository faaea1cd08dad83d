import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * `node_state.callbacks` (accepted callback data not yet processed) and `callback_seq`
 * (callbacks accepted in the node's version, part of every node compare-and-set).
 */
export class AddNodeCallbackColumns1763683700000 implements MigrationInterface {
  name = 'AddNodeCallbackColumns1763683700000';

  async up(q: QueryRunner): Promise<void> {
    const t = portableTypes(q);
    await q.addColumns('node_state', [
      new TableColumn({ name: 'callbacks', type: t.jsonText, isNullable: true }),
      new TableColumn({ name: 'callback_seq', type: t.int, isNullable: false, default: 0 }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('node_state', ['callback_seq', 'callbacks']);
  }
}
