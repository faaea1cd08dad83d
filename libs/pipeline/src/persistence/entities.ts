import { PipelineDefinitionEntity } from './pipeline-definition.entity';
import { PipelineVersionEntity } from './pipeline-version.entity';
import { ContextValueEntity } from './entities/context-value.entity';
import { NodeHistoryEntity } from './entities/node-history.entity';
import { NodeStateEntity } from './entities/node-state.entity';
import { RunEventEntity } from './entities/run-event.entity';
import { RunProcessEntity } from './entities/run-process.entity';
import { RunEntity } from './entities/run.entity';
import { PipelineScheduleEntity } from '../schedules/pipeline-schedule.entity';
import { ExternalTaskEntity } from '../external-tasks/external-task.entity';
import { PipelineFailureCallbackEntity } from '../webhooks/pipeline-failure-callback.entity';
import { WebhookAttemptEntity } from '../webhooks/webhook-attempt.entity';
import { WebhookCursorEntity } from '../webhooks/webhook-cursor.entity';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity';
import { WebhookEntity } from '../webhooks/webhook.entity';

/** Every entity of the engine. Append new ones here; `DatabaseModule` and `PipelineModule` read this list. */
export const PIPELINE_ENTITIES = [
  PipelineDefinitionEntity,
  PipelineVersionEntity,
  RunEntity,
  RunProcessEntity,
  NodeStateEntity,
  NodeHistoryEntity,
  ContextValueEntity,
  RunEventEntity,
  PipelineScheduleEntity,
  ExternalTaskEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  WebhookCursorEntity,
  PipelineFailureCallbackEntity,
];
