import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  type NodeDetailView,
  type Page,
  RunService,
  type RunSummaryView,
  type RunView,
} from '@app/pipeline';
import { ListRunsQueryDto } from '../dto/query.dto';
import { ErrorResponseDto, NodeDetailDto, RunDto, RunPageDto } from '../dto/responses.dto';
import { StartInlineRunDto, StartRunDto } from '../dto/run.dto';

/** Starting and inspecting runs (DESIGN §9). Thin: DTO in, one service call, view out. */
@ApiTags('runs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponseDto,
  description: 'API_TOKENS is set and no valid bearer token was sent',
})
@Controller()
export class RunsController {
  constructor(private readonly runs: RunService) {}

  @Post('pipelines/:id/runs')
  @ApiOperation({ summary: 'Start a run of a stored pipeline (latest version unless `version`)' })
  @ApiParam({ name: 'id', description: 'Pipeline id, or its key' })
  @ApiCreatedResponse({ type: RunDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown pipeline or version' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The pipeline is disabled' })
  start(@Param('id') pipelineId: string, @Body() dto: StartRunDto): Promise<RunView> {
    return this.runs.start({ pipelineId, ...dto });
  }

  @Post('runs')
  @ApiOperation({ summary: 'Run an inline tree once (validated like a stored one)' })
  @ApiCreatedResponse({ type: RunDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid tree (every problem in `details`) or request',
  })
  startInline(@Body() dto: StartInlineRunDto): Promise<RunView> {
    return this.runs.startInline(dto);
  }

  @Get('runs')
  @ApiOperation({ summary: 'List runs, filtered by pipeline, state or business key' })
  @ApiOkResponse({ type: RunPageDto })
  list(@Query() query: ListRunsQueryDto): Promise<Page<RunSummaryView>> {
    return this.runs.list(query);
  }

  @Get('runs/:id')
  @ApiOperation({
    summary: "A run's state with every node that has run (sub-processes nested under `children`)",
  })
  @ApiOkResponse({ type: RunDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('id') id: string): Promise<RunView> {
    return this.runs.get(id);
  }

  @Get('runs/:id/nodes/:nodeId')
  @ApiOperation({ summary: "A node's state, version, inputs, outputs, ex_data and histories" })
  @ApiOkResponse({ type: NodeDetailDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  getNode(@Param('id') id: string, @Param('nodeId') nodeId: string): Promise<NodeDetailView> {
    return this.runs.getNode(id, nodeId);
  }
}
