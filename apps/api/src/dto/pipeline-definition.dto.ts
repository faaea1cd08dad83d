import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { KeepRaw } from './keep-raw';
import { TimeoutSecondsField } from './timeout-seconds.decorator';
import { OnFailureField, WebhookSecretField } from './webhook.dto';
import type { OnFailure } from '@app/pipeline';

const QUEUE_MODES = ['fifo', 'lifo'] as const;

const DEFINITION_DOC = {
  type: 'object',
  additionalProperties: true,
  description:
    'The pipeline tree (bamboo format, DESIGN §3). Checked by the engine: every problem is answered in `details`.',
  example: {
    id: 'p1',
    start_event: {},
    end_event: {},
    activities: {},
    gateways: {},
    flows: {},
    data: { inputs: {}, outputs: [] },
  },
} as const;

const FORMAT_DOC = {
  description: "Format of `definition`: 'tree' (bamboo, the default) or 'orderlines' (DESIGN §8.2)",
  default: 'tree',
  example: 'tree',
};

/** `POST /pipelines/validate`. */
export class ValidatePipelineDto {
  @ApiPropertyOptional(FORMAT_DOC)
  @IsOptional()
  @IsString()
  format?: string;

  @ApiProperty(DEFINITION_DOC)
  @KeepRaw()
  // orderlines processes may be a bare array of task nodes (DESIGN §8.2)
  @ValidateIf((o: { definition?: unknown }) => !Array.isArray(o.definition))
  @IsObject({
    message: 'definition must be an object (a pipeline tree), or an array of orderlines task nodes',
  })
  definition: Record<string, unknown> | unknown[];
}

/** `POST /pipelines`: build a definition (version 1). */
export class CreatePipelineDto extends ValidatePipelineDto {
  @ApiProperty({ maxLength: 200, example: 'Nightly export' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    maxLength: 64,
    pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
    description:
      'Unique stable key; defaults to a slug of the name (with a numeric suffix when taken)',
    example: 'nightly-export',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  key?: string;

  @ApiPropertyOptional({ default: true, description: 'Off = new runs are refused' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: 'Cap on runs RUNNING at once; null = no cap',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  maxConcurrentRuns?: number | null;

  @ApiPropertyOptional({
    enum: QUEUE_MODES,
    default: 'fifo',
    description: 'Order in which held runs are admitted',
  })
  @IsOptional()
  @IsIn(QUEUE_MODES)
  queueMode?: 'fifo' | 'lifo';

  @TimeoutSecondsField('definition')
  timeoutSeconds?: number | null;

  @ApiPropertyOptional({
    type: 'boolean',
    description:
      'Refuse (409 DUPLICATE_BUSINESS_KEY) a run whose businessKey a run of this definition that is not yet FINISHED or REVOKED has (DESIGN §8.4)',
  })
  @IsOptional()
  @IsBoolean()
  uniqueBusinessKey?: boolean;

  @OnFailureField()
  onFailure?: OnFailure | null;

  @WebhookSecretField()
  webhookSecret?: string | null;
}

/** `PUT /pipelines/:id`: a new version of the tree. */
export class UpdatePipelineDto extends ValidatePipelineDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @TimeoutSecondsField('definition')
  timeoutSeconds?: number | null;

  @OnFailureField()
  onFailure?: OnFailure | null;

  @WebhookSecretField()
  webhookSecret?: string | null;
}

/** `PATCH /pipelines/:id`: switch and limits, no new version. */
export class PatchPipelineDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Off = new runs are refused; runs already started go on' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  maxConcurrentRuns?: number | null;

  @ApiPropertyOptional({ enum: QUEUE_MODES })
  @IsOptional()
  @IsIn(QUEUE_MODES)
  queueMode?: 'fifo' | 'lifo';

  @TimeoutSecondsField('definition')
  timeoutSeconds?: number | null;

  @ApiPropertyOptional({
    type: 'boolean',
    description:
      'Refuse (409 DUPLICATE_BUSINESS_KEY) a run whose businessKey a run of this definition that is not yet FINISHED or REVOKED has (DESIGN §8.4)',
  })
  @IsOptional()
  @IsBoolean()
  uniqueBusinessKey?: boolean;

  @OnFailureField()
  onFailure?: OnFailure | null;

  @WebhookSecretField()
  webhookSecret?: string | null;
}
