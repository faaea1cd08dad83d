import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn } from '../persistence/json.transformer';

/**
 * Where an external task is (DESIGN §8.6):
 * - `available`: offered on its topic from `availableAt` (later after a `fail` with retries or a `delay`);
 * - `locked`: held by `workerId` until `lockExpiresAt` (past it, offered again with `attempt` + 1);
 * - `completing` / `failing`: a `complete` or `fail` of its holder is being delivered to the node
 *   (a process that dies in between leaves it there; it is offered again after a grace period);
 * - `completed` / `failed`: its holder's report reached the node;
 * - `cancelled`: the node moved on without it (revoked, skipped, forced to fail, timed out).
 */
export type ExternalTaskState = 'available' | 'locked' | 'completing' | 'failing' | 'completed' | 'failed' | 'cancelled';

export const EXTERNAL_TASK_STATES: readonly ExternalTaskState[] = [
  'available',
  'locked',
  'completing',
  'failing',
  'completed',
  'failed',
  'cancelled',
];

/**
 * A node handed to external workers (DESIGN §8.6). Inserted with the node's wait for its
 * callback, in the same transaction (`Decision.offers`); one per node life (`node_version`).
 * Every change after that is a compare-and-set on `state` and the holder, so two workers never
 * hold it at once and a late report changes nothing.
 */
@Entity('external_task')
@Index('uq_external_task_node', ['runId', 'nodeId', 'nodeVersion'], { unique: true })
@Index('idx_external_task_topic', ['topic', 'state', 'availableAt'])
@Index('idx_external_task_state', ['state', 'updatedAt'])
export class ExternalTaskEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @Column({ name: 'node_id', type: 'varchar', length: 128 })
  nodeId: string;

  /** The node life it belongs to: its report is the callback of exactly that version. */
  @Column({ name: 'node_version', type: 'int' })
  nodeVersion: number;

  @Column({ type: 'varchar', length: 128 })
  topic: string;

  @Column(jsonColumn('payload'))
  payload: unknown;

  @Column({ type: 'varchar', length: 16 })
  state: ExternalTaskState;

  /** 1 at first; +1 each time it is offered again after a lost lock or a `fail` with retries. */
  @Column({ type: 'int', default: 1 })
  attempt: number;

  /** Tries left as the last `fail` gave them (Camunda's meaning); null: the node's retry policy. */
  @Column({ type: 'int', nullable: true })
  retries: number | null;

  @Column({ name: 'worker_id', type: 'varchar', length: 128, nullable: true })
  workerId: string | null;

  /** Which `fetch-and-lock` call took it (reads back what one claim statement locked). */
  @Column({ name: 'claim_token', type: 'varchar', length: 36, nullable: true })
  claimToken: string | null;

  @Column({ name: 'lock_expires_at', type: 'datetime', precision: 3, nullable: true })
  lockExpiresAt: Date | null;

  @Column({ name: 'available_at', type: 'datetime', precision: 3 })
  availableAt: Date;

  /** The last `fail`'s error. */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
