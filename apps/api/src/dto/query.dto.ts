import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RUN_STATES, type RunStateName } from '@app/pipeline';

/** `?page&pageSize` (1-based; at most 100 per page). */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

/** `GET /pipelines/:id?version=n`. */
export class GetPipelineQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'A past version; latest when omitted',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

/** `GET /runs?pipelineId&state&businessKey&page&pageSize`. */
export class ListRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Runs of this stored pipeline' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pipelineId?: string;

  @ApiPropertyOptional({ enum: RUN_STATES })
  @IsOptional()
  @IsIn(RUN_STATES)
  state?: RunStateName;

  @ApiPropertyOptional({ description: 'The business object id given when the run started' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  businessKey?: string;
}
