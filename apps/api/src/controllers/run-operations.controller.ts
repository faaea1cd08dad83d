import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type OperationResult, RunOperationsService, type RunEventView, RunService } from '@app/pipeline';
import { ErrorResponseDto } from '../dto/responses.dto';
import {
  CallbackDto,
  ForcedFailDto,
  ListEventsQueryDto,
  OperationResultDto,
  PreviewInputsDto,
  RetryNodeDto,
  RunEventDto,
  SkipGatewayDto,
  UpdateContextDto,
} from '../dto/operation.dto';

/**
 * Steering runs (DESIGN §5, §9): run and node operations, context updates, previews, and the
 * event log. Thin: DTO in, one service call, result out. A refused operation answers 409 with
 * the current state; an unknown run or node 404.
 */
@ApiTags('operations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'API_TOKENS is set and no valid bearer token was sent' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown run or node' })
@Controller('runs/:id')
export class RunOperationsController {
  constructor(
    private readonly ops: RunOperationsService,
    private readonly runs: RunService,
  ) {}

  @Post('pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a run: running nodes finish, nothing new starts' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is not RUNNING (or FAILED)' })
  pause(@Param('id') id: string): Promise<OperationResult> {
    return this.ops.pauseRun(id);
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused run' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is not SUSPENDED' })
  resume(@Param('id') id: string): Promise<OperationResult> {
    return this.ops.resumeRun(id);
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a run: final, nothing of it runs again' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is already FINISHED or REVOKED' })
  revoke(@Param('id') id: string): Promise<OperationResult> {
    return this.ops.revokeRun(id);
  }

  @Get('context')
  @ApiOperation({
    summary: "The run's root pipeline variables as {name: value}",
    description:
      "Names without the `${}` wrapper. The tree's `data.inputs` resolved (splices rendered; a node-output variable once its node finished) under the stored values: run inputs, node outputs, `PATCH /runs/:id/context` updates.",
  })
  @ApiOkResponse({
    schema: { type: 'object', additionalProperties: true, example: { who: 'bamboo', count: 21, greeting: 'hello bamboo' } },
  })
  context(@Param('id') id: string): Promise<Record<string, unknown>> {
    return this.runs.context(id);
  }

  @Patch('context')
  @ApiOperation({ summary: "Set variables of the run's root pipeline" })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The run is FINISHED or REVOKED' })
  updateContext(@Param('id') id: string, @Body() dto: UpdateContextDto): Promise<OperationResult> {
    return this.ops.updateContext(id, dto.values);
  }

  @Get('events')
  @ApiOperation({ summary: "The run's event log, oldest first (DESIGN §6)" })
  @ApiOkResponse({ type: [RunEventDto] })
  events(@Param('id') id: string, @Query() q: ListEventsQueryDto): Promise<RunEventView[]> {
    return this.runs.events(id, { afterSeq: q.afterSeq, afterId: q.afterId, limit: q.limit });
  }

  @Get('nodes/:nodeId/preview')
  @ApiOperation({ summary: "A node's inputs as they would render now" })
  @ApiOkResponse({ type: PreviewInputsDto })
  async preview(@Param('id') id: string, @Param('nodeId') nodeId: string): Promise<{ inputs: Record<string, unknown> }> {
    return { inputs: await this.ops.previewInputs(id, nodeId) };
  }

  @Post('nodes/:nodeId/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Appointed pause: the run stops at this node (not reached yet) as SUSPENDED' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The node has already been reached' })
  pauseNode(@Param('id') id: string, @Param('nodeId') nodeId: string): Promise<OperationResult> {
    return this.ops.pauseNode(id, nodeId);
  }

  @Post('nodes/:nodeId/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused node' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The node is not SUSPENDED' })
  resumeNode(@Param('id') id: string, @Param('nodeId') nodeId: string): Promise<OperationResult> {
    return this.ops.resumeNode(id, nodeId);
  }

  @Post('nodes/:nodeId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry a failed node, optionally with new inputs' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The node is not FAILED, or not retryable' })
  retry(@Param('id') id: string, @Param('nodeId') nodeId: string, @Body() dto: RetryNodeDto): Promise<OperationResult> {
    return this.ops.retryNode(id, nodeId, dto.inputs);
  }

  @Post('nodes/:nodeId/skip')
  @HttpCode(200)
  @ApiOperation({ summary: 'Skip a failed node (only when skippable)' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The node is not FAILED, not skippable, or a gateway' })
  skip(@Param('id') id: string, @Param('nodeId') nodeId: string): Promise<OperationResult> {
    return this.ops.skipNode(id, nodeId);
  }

  @Post('nodes/:nodeId/forced-fail')
  @HttpCode(200)
  @ApiOperation({ summary: 'Force a RUNNING activity to fail; its in-flight work is dropped' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The node is not a RUNNING activity (or not at `version`)' })
  forcedFail(@Param('id') id: string, @Param('nodeId') nodeId: string, @Body() dto: ForcedFailDto): Promise<OperationResult> {
    return this.ops.forcedFail(id, nodeId, dto.exData, dto.version);
  }

  @Post('nodes/:nodeId/callback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Call back a waiting node (wait_callback, multi_callback components)' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Stale version, node not RUNNING, or callback already received' })
  callback(@Param('id') id: string, @Param('nodeId') nodeId: string, @Body() dto: CallbackDto): Promise<OperationResult> {
    return this.ops.callback(id, nodeId, dto.version, dto.data ?? null);
  }

  @Post('nodes/:nodeId/skip-gateway')
  @HttpCode(200)
  @ApiOperation({ summary: 'Skip a failed exclusive gateway (`flowId`) or conditional parallel gateway (`flowIds`)' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A flow that is not an outgoing flow of the gateway' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The gateway is not FAILED' })
  skipGateway(@Param('id') id: string, @Param('nodeId') nodeId: string, @Body() dto: SkipGatewayDto): Promise<OperationResult> {
    return this.ops.skipGateway(id, nodeId, dto);
  }

  @Post('nodes/:nodeId/retry-subprocess')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a sub-process again from its start' })
  @ApiOkResponse({ type: OperationResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not a sub-process, still running, or nothing failed inside' })
  retrySubprocess(@Param('id') id: string, @Param('nodeId') nodeId: string): Promise<OperationResult> {
    return this.ops.retrySubprocess(id, nodeId);
  }
}
