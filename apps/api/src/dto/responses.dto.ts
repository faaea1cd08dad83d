/**
 * Response shapes, for the OpenAPI document only: controllers return the engine's view types.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NODE_STATES, RUN_STATES, VALIDATION_CODES } from '@app/pipeline';

export class ValidationIssueDto {
  @ApiProperty({ enum: VALIDATION_CODES }) code: string;
  @ApiPropertyOptional() nodeId?: string;
  @ApiProperty({ example: 'activities.a1.component.code' }) path: string;
  @ApiProperty() message: string;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ description: 'Stable machine-readable code', example: 'INVALID_TREE' })
  code?: string;
  @ApiPropertyOptional({ type: [ValidationIssueDto] }) details?: ValidationIssueDto[];
}

export class ValidationAnswerDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ type: [ValidationIssueDto] }) errors: ValidationIssueDto[];
}

export class PipelineSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() latestVersion: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) maxConcurrentRuns: number | null;
  @ApiProperty({ enum: ['fifo', 'lifo'] }) queueMode: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Run timeout of its runs in seconds; null = none' })
  timeoutSeconds: number | null;
  @ApiProperty({ description: 'A second run with the same businessKey is refused while one is not FINISHED or REVOKED' })
  uniqueBusinessKey: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PipelineDto extends PipelineSummaryDto {
  @ApiProperty({ description: 'The version shown (latest unless ?version)' }) version: number;
  @ApiProperty() format: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) definition: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) versionCreatedAt: string;
}

export class PipelinePageDto {
  @ApiProperty({ type: [PipelineSummaryDto] }) items: PipelineSummaryDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class NodeStateDto {
  @ApiProperty({ enum: NODE_STATES }) state: string;
  @ApiProperty() version: number;
  @ApiProperty() loop: number;
  @ApiProperty() retries: number;
  @ApiProperty() skip: boolean;
  @ApiPropertyOptional({ enum: ['upstream_failed', 'trigger_rule'], description: 'Why a DAG work was SKIPPED by its trigger rule' })
  skipReason?: string;
  @ApiProperty() errorIgnored: boolean;
  @ApiProperty({ format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "A sub-process's nodes, same shape",
  })
  children?: Record<string, NodeStateDto>;
}

export class RunSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, description: 'null for an inline run' }) pipelineId: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) version: number | null;
  @ApiProperty({ enum: RUN_STATES }) state: string;
  @ApiProperty({ nullable: true }) businessKey: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The run timeout it got, in seconds; null = none' })
  timeoutSeconds: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'When that timeout runs out' })
  deadlineAt: string | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'timeout',
    description: 'Why the run ended when not by itself: "timeout" (its run timeout revoked it); null otherwise',
  })
  reason: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The schedule that started it (DESIGN §8.5); null otherwise' })
  scheduleId: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'The due time that schedule fired for' })
  scheduledFor: string | null;
}

export class RunDto extends RunSummaryDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) inputs: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) outputs: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/NodeStateDto' },
    description: 'Every node that has run; a node that never ran is absent',
  })
  nodes: Record<string, NodeStateDto>;
}

export class RunPageDto {
  @ApiProperty({ type: [RunSummaryDto] }) items: RunSummaryDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class NodeHistoryDto {
  @ApiProperty() id: number;
  @ApiProperty() kind: string;
  @ApiProperty() version: number;
  @ApiProperty() loop: number;
  @ApiProperty() retries: number;
  @ApiProperty({ enum: NODE_STATES }) state: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) inputs: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) outputs: Record<
    string,
    unknown
  > | null;
  @ApiPropertyOptional({ description: 'Failure data' }) exData: unknown;
  @ApiProperty({ format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) finishedAt: string | null;
}

export class NodeDetailDto {
  @ApiProperty() runId: string;
  @ApiProperty() nodeId: string;
  @ApiProperty() pipelineId: string;
  @ApiProperty() type: string;
  @ApiProperty({ nullable: true }) name: string | null;
  @ApiProperty({ enum: NODE_STATES }) state: string;
  @ApiProperty() version: number;
  @ApiProperty() loop: number;
  @ApiProperty() retries: number;
  @ApiProperty() skip: boolean;
  @ApiPropertyOptional({ enum: ['upstream_failed', 'trigger_rule'], description: 'Why a DAG work was SKIPPED by its trigger rule' })
  skipReason?: string;
  @ApiProperty() errorIgnored: boolean;
  @ApiProperty({ format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) inputs: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) outputs: Record<
    string,
    unknown
  > | null;
  @ApiPropertyOptional() exData: unknown;
  @ApiProperty({ type: [NodeHistoryDto] }) histories: NodeHistoryDto[];
}
