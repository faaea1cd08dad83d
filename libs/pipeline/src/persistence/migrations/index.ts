import { CreatePipelineDefinitions1763683200000 } from './1763683200000-create-pipeline-definitions';
import { CreateRuns1763683300000 } from './1763683300000-create-runs';
import { AddNodeRecoveryColumns1763683400000 } from './1763683400000-add-node-recovery-columns';
import { AddRunListIndexes1763683500000 } from './1763683500000-add-run-list-indexes';
import { CaseSensitiveKeysOnMysql1763683600000 } from './1763683600000-case-sensitive-keys-on-mysql';
import { AddNodeCallbackColumns1763683700000 } from './1763683700000-add-node-callback-columns';
import { AddEventSequence1763683800000 } from './1763683800000-add-event-sequence';
import { AddNodeSkipReason1763683900000 } from './1763683900000-add-node-skip-reason';
import { AddTimeouts1763684000000 } from './1763684000000-add-timeouts';
import { AddUniqueBusinessKey1763684100000 } from './1763684100000-add-unique-business-key';
import { AddSchedules1763684200000 } from './1763684200000-add-schedules';
import { AddExternalTasks1763684300000 } from './1763684300000-add-external-tasks';
import { AddWebhooks1763684400000 } from './1763684400000-add-webhooks';
import { NumberEventsAfterCommit1763684500000 } from './1763684500000-number-events-after-commit';

/**
 * Every migration, oldest first. Append new ones here; they run at start-up (`migrationsRun`).
 * A migration, once released, is never edited: change the schema with a new one.
 */
export const PIPELINE_MIGRATIONS = [
  CreatePipelineDefinitions1763683200000,
  CreateRuns1763683300000,
  AddNodeRecoveryColumns1763683400000,
  AddRunListIndexes1763683500000,
  CaseSensitiveKeysOnMysql1763683600000,
  AddNodeCallbackColumns1763683700000,
  AddEventSequence1763683800000,
  AddNodeSkipReason1763683900000,
  AddTimeouts1763684000000,
  AddUniqueBusinessKey1763684100000,
  AddSchedules1763684200000,
  AddExternalTasks1763684300000,
  AddWebhooks1763684400000,
  NumberEventsAfterCommit1763684500000,
];
