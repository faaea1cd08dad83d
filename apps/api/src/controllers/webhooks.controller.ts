import { WebhookService, type DeliveryAttemptView, type FailureCallbackView, type Page, type WebhookView } from '@app/pipeline';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { PageQueryDto } from '../dto/query.dto';
import { ErrorResponseDto } from '../dto/responses.dto';
import { CreateWebhookDto, DeliveriesQueryDto, DeliveryAttemptPageDto, FailureCallbackDto, WebhookDto, WebhookPageDto } from '../dto/webhook.dto';

/** Webhooks and failure callbacks (DESIGN §8.6, §9). Thin: DTO in, one service call, view out. */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'API_TOKENS is set and no valid bearer token was sent' })
@Controller()
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post('webhooks')
  @ApiOperation({ summary: 'Subscribe a URL to run events logged from now on (signed POSTs, retried at least 24 h)' })
  @ApiCreatedResponse({ type: WebhookDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not an http(s) URL, empty events, secret shorter than 16' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown pipelineId' })
  create(@Body() dto: CreateWebhookDto): Promise<WebhookView> {
    return this.webhooks.create(dto);
  }

  @Get('webhooks')
  @ApiOperation({ summary: 'Webhooks, newest first (never their secrets)' })
  @ApiOkResponse({ type: WebhookPageDto })
  list(@Query() query: PageQueryDto): Promise<Page<WebhookView>> {
    return this.webhooks.list(query.page, query.pageSize);
  }

  @Get('webhooks/:id')
  @ApiOperation({ summary: 'A webhook (never its secret)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown webhook' })
  get(@Param('id') id: string): Promise<WebhookView> {
    return this.webhooks.get(id);
  }

  @Delete('webhooks/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook: its pending retries stop, its delivery log goes' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown webhook' })
  delete(@Param('id') id: string): Promise<void> {
    return this.webhooks.delete(id);
  }

  @Get('webhooks/:id/deliveries')
  @ApiOperation({ summary: 'Delivery log of a webhook: one row per attempt, oldest first' })
  @ApiOkResponse({ type: DeliveryAttemptPageDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown webhook' })
  deliveries(@Param('id') id: string, @Query() query: DeliveriesQueryDto): Promise<Page<DeliveryAttemptView>> {
    return this.webhooks.deliveries(id, query.page, query.pageSize);
  }

  @Get('runs/:id/failure-callbacks')
  @ApiOperation({ summary: "A run's failure callbacks (DESIGN §8.6), each with every attempt" })
  @ApiOkResponse({ type: FailureCallbackDto, isArray: true })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown run' })
  failureCallbacks(@Param('id') id: string): Promise<FailureCallbackView[]> {
    return this.webhooks.failureCallbacks(id);
  }
}
