import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { KeepRaw } from './keep-raw';
import { TimeoutSecondsField } from './timeout-seconds.decorator';

const INPUTS_DOC = {
  type: 'object',
  additionalProperties: true,
  description:
    "Run inputs, keyed by variable name (`${x}` or `x`); override the tree's `data.inputs`",
  example: { '${x}': 1 },
} as const;

/** `POST /pipelines/:id/runs`. */
export class StartRunDto {
  @ApiPropertyOptional(INPUTS_DOC)
  @IsOptional()
  @KeepRaw()
  @IsObject()
  inputs?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 128, description: 'The business object this run is about' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  businessKey?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 1000,
    default: 0,
    description: 'Higher runs first',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Run a past version; latest when omitted',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @TimeoutSecondsField('start')
  timeoutSeconds?: number;
}

/** `POST /runs`: a one-shot run of an inline tree. */
export class StartInlineRunDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The pipeline tree (bamboo format); checked by the engine, every problem answered in `details`',
  })
  @KeepRaw()
  // orderlines processes may be a bare array of task nodes (DESIGN §8.2)
  @ValidateIf((o: { definition?: unknown }) => !Array.isArray(o.definition))
  @IsObject({
    message: 'definition must be an object (a pipeline tree), or an array of orderlines task nodes',
  })
  definition: Record<string, unknown> | unknown[];

  @ApiPropertyOptional({
    description: "'tree' (bamboo, the default) or 'orderlines' (DESIGN §8.2)",
    default: 'tree',
  })
  @IsOptional()
  @IsString()
  format?: string;

  @ApiPropertyOptional(INPUTS_DOC)
  @IsOptional()
  @KeepRaw()
  @IsObject()
  inputs?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  businessKey?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 1000,
    default: 0,
    description: 'Higher runs first',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  priority?: number;

  @TimeoutSecondsField('start')
  timeoutSeconds?: number;
}
