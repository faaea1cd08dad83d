import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { KeepRaw } from './keep-raw';

/** `POST /runs/:id/nodes/:nodeId/retry`. */
export class RetryNodeDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "New inputs for an activity, merged over the ones it failed with",
    example: { fail: false },
  })
  @IsOptional()
  @KeepRaw()
  @IsObject()
  inputs?: Record<string, unknown>;
}

/** `POST /runs/:id/nodes/:nodeId/forced-fail`. */
export class ForcedFailDto {
  @ApiPropertyOptional({ description: "Why it failed: stored as the node's ex_data", example: 'took too long' })
  @IsOptional()
  @KeepRaw()
  exData?: unknown;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only if the node is still at this version' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** `POST /runs/:id/nodes/:nodeId/callback`. */
export class CallbackDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The node version the callback answers (from GET /runs/:id/nodes/:nodeId)' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ description: "Handed to the component's schedule as callback data", example: { ok: true } })
  @IsOptional()
  @KeepRaw()
  data?: unknown;
}

/** `POST /runs/:id/nodes/:nodeId/skip-gateway`. */
export class SkipGatewayDto {
  @ApiPropertyOptional({ description: 'Exclusive gateway: the one flow to take' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  flowId?: string;

  @ApiPropertyOptional({ type: [String], description: 'Conditional parallel gateway: the flows to take' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  flowIds?: string[];
}

/** `PATCH /runs/:id/context`. */
export class UpdateContextDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Variables of the root pipeline to set, by name (`x` or `${x}`)',
    example: { x: 2 },
  })
  @KeepRaw()
  @IsObject({ message: 'values must be an object of variable names to values' })
  values: Record<string, unknown>;
}

/** `GET /runs/:id/events?afterSeq&limit` (or `afterId` instead of `afterSeq`). */
export class ListEventsQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    default: 0,
    description: "Only events whose `seq` is greater: pass the last `seq` read to page on (never misses an event)",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Only events after the run’s event with this `id`, in `seq` order (kept for older clients; not with `afterSeq`)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterId?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 5000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export class OperationNodeDto {
  @ApiProperty() state: string;
  @ApiProperty() version: number;
}

export class OperationResultDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ description: 'The run state after the operation' }) runState: string;
  @ApiPropertyOptional() nodeId?: string;
  @ApiPropertyOptional({ type: OperationNodeDto, description: 'The node after the operation' }) node?: OperationNodeDto;
}

export class RunEventDto {
  @ApiProperty({ description: 'Global event id (unique across runs)' }) id: number;
  @ApiProperty({ description: 'Position in the run’s log: 1, 2, 3... without gaps, in the order the events were seen committed (page with `afterSeq`)' }) seq: number;
  @ApiProperty({ example: 'node_finish' }) eventType: string;
  @ApiProperty({ type: 'string', nullable: true }) nodeId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) time: string;
}

export class PreviewInputsDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) inputs: Record<string, unknown>;
}
