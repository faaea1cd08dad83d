import { EXTERNAL_TASK_STATES, MAX_DELAY_SECONDS, MAX_LOCK_SECONDS, type ExternalTaskState } from '@app/pipeline';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { KeepRaw } from './keep-raw';
import { PageQueryDto } from './query.dto';

/** Every report names the worker that holds the task. */
class WorkerBodyDto {
  @ApiProperty({ maxLength: 128, example: 'worker-1', description: 'Who holds the task (as given to fetch-and-lock)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  workerId: string;
}

export class TopicRequestDto {
  @ApiProperty({ maxLength: 128, example: 'submit' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  topic: string;

  @ApiProperty({ minimum: 1, maximum: MAX_LOCK_SECONDS, example: 60, description: 'How long each task taken is locked to the worker' })
  @IsNumber()
  @Min(1)
  @Max(MAX_LOCK_SECONDS)
  lockSeconds: number;
}

/** `POST /external-tasks/fetch-and-lock` (DESIGN §8.6). */
export class FetchAndLockDto extends WorkerBodyDto {
  @ApiProperty({ type: TopicRequestDto, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TopicRequestDto)
  topics: TopicRequestDto[];

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxTasks?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Long poll: wait up to this many seconds for a task (capped by the server, 60 by default)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(3600)
  waitSeconds?: number;
}

export class CompleteTaskDto extends WorkerBodyDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "The node's outputs", example: { ticket: 42 } })
  @IsOptional()
  @KeepRaw()
  @IsObject()
  outputs?: Record<string, unknown>;
}

export class FailTaskDto extends WorkerBodyDto {
  @ApiProperty({ maxLength: 10_000, example: 'upstream refused the order' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  error: string;

  @ApiPropertyOptional({ minimum: 0, description: 'Tries left: > 0 offers it again after retryDelaySeconds; 0 fails the node; omitted: the node\'s retry policy' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  retries?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_DELAY_SECONDS, default: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(MAX_DELAY_SECONDS)
  retryDelaySeconds?: number;
}

export class ExtendLockDto extends WorkerBodyDto {
  @ApiProperty({ minimum: 1, maximum: MAX_LOCK_SECONDS, description: 'The lock now ends this many seconds from now' })
  @IsNumber()
  @Min(1)
  @Max(MAX_LOCK_SECONDS)
  lockSeconds: number;
}

export class DelayTaskDto extends WorkerBodyDto {
  @ApiProperty({ minimum: 0, maximum: MAX_DELAY_SECONDS, description: 'Offer it again this many seconds from now (no retry counted)' })
  @IsNumber()
  @Min(0)
  @Max(MAX_DELAY_SECONDS)
  seconds: number;
}

/** `GET /external-tasks?topic&state&runId&page&pageSize`. */
export class ListExternalTasksQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  topic?: string;

  @ApiPropertyOptional({ enum: EXTERNAL_TASK_STATES })
  @IsOptional()
  @IsIn(EXTERNAL_TASK_STATES)
  state?: ExternalTaskState;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(36)
  runId?: string;
}

export class LockedTaskDto {
  @ApiProperty() id: string;
  @ApiProperty() topic: string;
  @ApiProperty() runId: string;
  @ApiProperty() nodeId: string;
  @ApiProperty({ type: 'string', nullable: true }) businessKey: string | null;
  @ApiProperty({ description: "The node's payload (default: the run's variables by name)" }) payload: unknown;
  @ApiProperty({ description: '1, then +1 each time it is offered again after a lost lock or a fail with retries' }) attempt: number;
  @ApiProperty({ format: 'date-time' }) lockExpiresAt: string;
}

export class ExternalTaskDto {
  @ApiProperty() id: string;
  @ApiProperty() topic: string;
  @ApiProperty() runId: string;
  @ApiProperty() nodeId: string;
  @ApiProperty() nodeVersion: number;
  @ApiProperty({ enum: EXTERNAL_TASK_STATES }) state: ExternalTaskState;
  @ApiProperty() attempt: number;
  @ApiProperty({ type: 'integer', nullable: true }) retries: number | null;
  @ApiProperty({ type: 'string', nullable: true }) workerId: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) lockExpiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) availableAt: string;
  @ApiProperty({ type: 'string', nullable: true }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ExternalTaskPageDto {
  @ApiProperty({ type: ExternalTaskDto, isArray: true }) items: ExternalTaskDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}
