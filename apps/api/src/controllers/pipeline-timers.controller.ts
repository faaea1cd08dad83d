import { NodeTimeoutConfigService } from '@app/node-timeout';
import { NodeTimerEventConfigService } from '@app/node-timer-event';
import type { PipelineView } from '@app/pipeline';
import { Body, Controller, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto, PipelineDto } from '../dto/responses.dto';

const ID_PARAM = { name: 'id', description: 'Pipeline id, or its key' };

/**
 * Timer configs of stored pipelines (DESIGN §7, §9): the seed's `apply_node_timeout_configs`
 * and `apply_node_timer_event_configs` as REST calls, each storing a new version. Thin: the
 * body (the seed's config map, checked by the contrib services) in, one service call, view out.
 */
@ApiTags('pipelines')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponseDto,
  description: 'API_TOKENS is set and no valid bearer token was sent',
})
@Controller('pipelines')
export class PipelineTimersController {
  constructor(
    private readonly timeouts: NodeTimeoutConfigService,
    private readonly timerEvents: NodeTimerEventConfigService,
  ) {}

  @Put(':id/node-timeouts')
  @ApiOperation({
    summary: 'Set node timeouts (`timeout_config`) of activities; stores a new version',
  })
  @ApiParam(ID_PARAM)
  @ApiBody({
    description:
      'node id → `{enable, action, seconds}` (actions: `forced_fail`, `forced_fail_and_skip` or a custom strategy)',
    schema: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          enable: { type: 'boolean' },
          action: { type: 'string' },
          seconds: { type: 'number' },
        },
      },
      example: { act_1: { enable: true, action: 'forced_fail_and_skip', seconds: 30 } },
    },
  })
  @ApiOkResponse({ type: PipelineDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'Bad configs (INVALID_TIMER_CONFIGS, every problem in `details`) or unknown node ids (UNKNOWN_NODE)',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  putNodeTimeouts(
    @Param('id') id: string,
    @Body() configs: Record<string, unknown>,
  ): Promise<PipelineView> {
    return this.timeouts.applyToPipeline(id, configs);
  }

  @Put(':id/node-timer-events')
  @ApiOperation({
    summary:
      'Set timer boundary events (`events.timer_events`) of activities; stores a new version',
  })
  @ApiParam(ID_PARAM)
  @ApiBody({
    description:
      'node id → list of `{enable, action, timer_type, defined}` (`time_date`, `time_duration`, `time_cycle`; ISO 8601)',
    schema: {
      type: 'object',
      additionalProperties: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            enable: { type: 'boolean' },
            action: { type: 'string' },
            timer_type: { type: 'string', enum: ['time_date', 'time_duration', 'time_cycle'] },
            defined: { type: 'string' },
          },
        },
      },
      example: {
        act_1: [
          {
            enable: true,
            action: 'bamboo_engine_forced_fail',
            timer_type: 'time_duration',
            defined: 'PT1H',
          },
        ],
      },
    },
  })
  @ApiOkResponse({ type: PipelineDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'Bad configs (INVALID_TIMER_CONFIGS, every problem in `details`) or unknown node ids (UNKNOWN_NODE)',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  putNodeTimerEvents(
    @Param('id') id: string,
    @Body() configs: Record<string, unknown>,
  ): Promise<PipelineView> {
    return this.timerEvents.applyToPipeline(id, configs);
  }
}
