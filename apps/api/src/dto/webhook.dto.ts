import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { onFailureProblem, type OnFailure, MIN_WEBHOOK_SECRET_LENGTH } from '@app/pipeline';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { KeepRaw } from './keep-raw';
import { PageQueryDto } from './query.dto';

/** `POST /webhooks` (DESIGN §8.6). The secret signs every delivery; it is never returned. */
export class CreateWebhookDto {
  @ApiProperty({ example: 'https://example.com/hooks/pipeline', description: 'http:// or https:// URL that receives a POST per event' })
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http:// or https:// URL' })
  url: string;

  @ApiProperty({ type: [String], example: ['node_*', 'pipeline_finish'], description: '"*" (every event), an event type, or "prefix*"' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(64, { each: true })
  events: string[];

  @ApiPropertyOptional({ description: "A stored pipeline's id (or key): only its runs' events (404 when unknown)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pipelineId?: string;

  @ApiProperty({ minLength: MIN_WEBHOOK_SECRET_LENGTH, maxLength: 255, writeOnly: true, description: 'HMAC-SHA256 key of X-Pipeline-Signature; never returned' })
  @IsString()
  @MinLength(MIN_WEBHOOK_SECRET_LENGTH)
  @MaxLength(255)
  secret: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) events: string[];
  @ApiProperty({ type: 'string', nullable: true }) pipelineId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] }) items: WebhookDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

/** One attempt of a delivery. */
export class DeliveryAttemptDto {
  @ApiProperty({ format: 'uuid', description: 'X-Pipeline-Delivery: the same on every attempt of one event' }) deliveryId: string;
  @ApiProperty({ enum: ['webhook', 'failure_webhook', 'failure_component'] }) kind: string;
  @ApiProperty({ description: 'The event id (run event log)' }) eventId: number;
  @ApiProperty() eventType: string;
  @ApiProperty() runId: string;
  @ApiProperty({ type: 'string', nullable: true }) nodeId: string | null;
  @ApiProperty({ description: '1 for the first attempt' }) attempt: number;
  @ApiProperty({ type: 'integer', nullable: true, description: "The receiver's HTTP status; null on timeout, connection error, or for a component" }) statusCode: number | null;
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'string', nullable: true }) error: string | null;
  @ApiProperty() durationMs: number;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class DeliveryAttemptPageDto {
  @ApiProperty({ type: [DeliveryAttemptDto] }) items: DeliveryAttemptDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class FailureCallbackDto {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
  @ApiProperty({ enum: ['failure_webhook', 'failure_component'] }) kind: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'The URL called or the component code' }) target: string | null;
  @ApiProperty({ type: 'string', nullable: true }) nodeId: string | null;
  @ApiProperty() eventId: number;
  @ApiProperty() eventType: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: string;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attempts: DeliveryAttemptDto[];
}

/** `GET /webhooks/:id/deliveries?page&pageSize`. */
export class DeliveriesQueryDto extends PageQueryDto {}

/** `onFailure` of a definition (DESIGN §8.6): `{webhook: url}` or `{component: code}`; null clears it. */
export function OnFailureField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'object',
      additionalProperties: false,
      properties: { webhook: { type: 'string' }, component: { type: 'string' }, noticeType: { type: 'string' } },
      nullable: true,
      example: { webhook: 'https://example.com/alerts' },
      description: 'Failure callback for nodes without their own: {webhook: url} or {component: code}; called once when a node fails for good',
    }),
    IsOptional(),
    KeepRaw(),
    ValidateIf((_: unknown, value: unknown) => value !== null),
    ValidateBy({
      name: 'isOnFailure',
      validator: {
        validate: (value) => onFailureProblem(value) === null,
        defaultMessage: (args) => `onFailure ${onFailureProblem(args?.value) ?? 'is invalid'}`,
      },
    }),
  );
}

/** `webhookSecret` of a definition: signs its failure callbacks; never returned; null clears it. */
export function WebhookSecretField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'string', nullable: true, writeOnly: true, minLength: MIN_WEBHOOK_SECRET_LENGTH, maxLength: 255, description: 'Signs this pipeline\'s failure callbacks (X-Pipeline-Signature); never returned' }),
    IsOptional(),
    ValidateIf((_: unknown, value: unknown) => value !== null),
    IsString(),
    MinLength(MIN_WEBHOOK_SECRET_LENGTH),
    MaxLength(255),
  );
}

/** The failure settings fields of the pipeline bodies. */
export interface FailureSettingsBody {
  onFailure?: OnFailure | null;
  webhookSecret?: string | null;
}
