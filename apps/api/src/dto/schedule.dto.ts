import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsBoolean, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { KeepRaw } from './keep-raw';

/**
 * `POST /pipelines/:id/schedules` (DESIGN §8.5). The timing fields are checked by the engine
 * (`parseScheduleSpec`), which answers 400 INVALID_SCHEDULE naming the field; the DTO only
 * lets them through.
 */
export class CreateScheduleDto {
  @ApiPropertyOptional({
    type: 'string',
    example: '0 9 * * 1-5',
    description: 'Cron expression: 5 fields (minute hour day month weekday) or 6 (seconds first), read in `timezone`',
  })
  @Allow()
  @KeepRaw()
  cron?: unknown;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', example: 'PT15M' }, { type: 'integer', example: 60000 }],
    description: 'A fixed interval: ISO 8601 duration or milliseconds; the first firing one interval after creation',
  })
  @Allow()
  @KeepRaw()
  every?: unknown;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    example: '2030-01-01T09:00:00Z',
    description: 'One firing at this ISO 8601 instant (in the future; without an offset, read in `timezone`)',
  })
  @Allow()
  @KeepRaw()
  at?: unknown;

  @ApiPropertyOptional({ type: 'string', example: 'Europe/Paris', default: 'UTC', description: 'IANA time zone of `cron` (and of an offset-less `at`)' })
  @Allow()
  @KeepRaw()
  timezone?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Inputs of every run it starts', example: { '${x}': 1 } })
  @IsOptional()
  @KeepRaw()
  @IsObject()
  inputs?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 255, description: 'Business key of every run it starts' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  businessKey?: string;

  @ApiPropertyOptional({ default: true, description: 'false: created paused' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** `PATCH /schedules/:id`: any of the create fields; a new timing replaces the old one (one of cron, every, at). */
export class UpdateScheduleDto extends CreateScheduleDto {}

export class ScheduleDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  pipelineId: string;
  @ApiProperty({ enum: ['cron', 'every', 'at'] })
  kind: string;
  @ApiPropertyOptional({ type: 'string' })
  cron?: string;
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'integer' }] })
  every?: string | number;
  @ApiPropertyOptional({ type: 'string', format: 'date-time' })
  at?: string;
  @ApiProperty({ example: 'UTC' })
  timezone: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  inputs: Record<string, unknown>;
  @ApiProperty({ type: 'string', nullable: true })
  businessKey: string | null;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'Next due time; null when paused or when an `at` has fired' })
  nextFireAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'The last due time handled' })
  lastDueAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it was handled' })
  lastFiredAt: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The run it started' })
  lastRunId: string | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    enum: ['started', 'skipped_disabled', 'skipped_refused'],
    description: '`skipped_disabled`: the pipeline was switched off; `skipped_refused`: the start was refused (e.g. a business key in use)',
  })
  lastOutcome: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
