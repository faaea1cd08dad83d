import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { PipelineDefinitionService, RunService, type TreeGraphView } from '@app/pipeline';
import { GraphDto } from '../dto/graph.dto';
import { GetPipelineQueryDto } from '../dto/query.dto';
import { ErrorResponseDto } from '../dto/responses.dto';

/**
 * Definitions and runs as graphs (nodes and edges of the compiled tree, whatever the format),
 * for drawing them (the web console, DESIGN §10). Thin: one service call each.
 */
@ApiTags('graphs')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponseDto,
  description: 'API_TOKENS is set and no valid bearer token was sent',
})
@Controller()
export class GraphsController {
  constructor(
    private readonly definitions: PipelineDefinitionService,
    private readonly runs: RunService,
  ) {}

  @Get('pipelines/:id/graph')
  @ApiOperation({ summary: "A pipeline version's graph (latest unless `version`): nodes and edges, sub-processes' nodes with `parentId`" })
  @ApiParam({ name: 'id', description: 'Pipeline id, or its key' })
  @ApiOkResponse({ type: GraphDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  pipelineGraph(@Param('id') id: string, @Query() query: GetPipelineQueryDto): Promise<TreeGraphView> {
    return this.definitions.graph(id, query.version);
  }

  @Get('runs/:id/graph')
  @ApiOperation({ summary: "The graph of the tree a run runs (its pipeline version, or its inline tree)" })
  @ApiOkResponse({ type: GraphDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  runGraph(@Param('id') id: string): Promise<TreeGraphView> {
    return this.runs.graph(id);
  }
}
