import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableTypes } from './portable-types';

/** Definitions and their versioned trees (DESIGN §8: versioned definitions, on/off switch, concurrency cap). */
export class CreatePipelineDefinitions1763683200000 implements MigrationInterface {
  readonly name = 'CreatePipelineDefinitions1763683200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'pipeline_definitions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'key', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'latest_version', type: t.int },
          { name: 'enabled', type: 'boolean', default: 1 },
          { name: 'max_concurrent_runs', type: t.int, isNullable: true },
          { name: 'queue_mode', type: 'varchar', length: '8', default: "'fifo'" },
          { name: 'created_at', ...t.datetime },
          { name: 'updated_at', ...t.datetime },
        ],
        indices: [
          { name: 'IDX_pipeline_definitions_key', columnNames: ['key'], isUnique: true },
          { name: 'IDX_pipeline_definitions_created_at', columnNames: ['created_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'pipeline_versions',
        columns: [
          { name: 'pipeline_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'version', type: t.int, isPrimary: true },
          { name: 'definition', type: t.jsonText },
          { name: 'format', type: 'varchar', length: '32', default: "'tree'" },
          { name: 'created_at', ...t.datetime },
        ],
        foreignKeys: [
          {
            name: 'FK_pipeline_versions_pipeline',
            columnNames: ['pipeline_id'],
            referencedTableName: 'pipeline_definitions',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('pipeline_versions');
    await queryRunner.dropTable('pipeline_definitions');
  }
}
