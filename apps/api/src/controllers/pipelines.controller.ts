import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
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
  type Page,
  PipelineDefinitionService,
  RunService,
  type PipelineSummaryView,
  type PipelineView,
  type ValidationAnswer,
  WebhookService,
  type DefinitionFailureSettingsView,
} from '@app/pipeline';
import {
  CreatePipelineDto,
  PatchPipelineDto,
  UpdatePipelineDto,
  ValidatePipelineDto,
} from '../dto/pipeline-definition.dto';
import { GetPipelineQueryDto, PageQueryDto } from '../dto/query.dto';
import {
  ErrorResponseDto,
  PipelineDto,
  PipelinePageDto,
  ValidationAnswerDto,
} from '../dto/responses.dto';
import type { FailureSettingsBody } from '../dto/webhook.dto';

const ID_PARAM = { name: 'id', description: 'Pipeline id, or its key' };

/** Stored pipeline definitions (DESIGN §9). Thin: DTO in, one service call, view out. */
@ApiTags('pipelines')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponseDto,
  description: 'API_TOKENS is set and no valid bearer token was sent',
})
@Controller('pipelines')
export class PipelinesController {
  constructor(
    private readonly definitions: PipelineDefinitionService,
    private readonly runs: RunService,
    private readonly webhooks: WebhookService,
  ) {}

  /**
   * Stores the body's failure settings (DESIGN §8.6, `onFailure` / `webhookSecret`, checked by
   * the DTO) beside the definition, and shows them (never the secret) in the answer.
   */
  private async withFailureSettings(view: PipelineView, body?: FailureSettingsBody): Promise<PipelineView & DefinitionFailureSettingsView> {
    if (body) await this.webhooks.setDefinitionFailureSettings(view.id, { onFailure: body.onFailure, webhookSecret: body.webhookSecret });
    return { ...view, ...(await this.webhooks.definitionFailureSettings(view.id)) };
  }

  @Post()
  @ApiOperation({ summary: 'Build a pipeline: validate the tree and store it as version 1' })
  @ApiCreatedResponse({ type: PipelineDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Invalid tree (every problem in `details`) or request',
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The key is taken (code DUPLICATE_KEY)',
  })
  async create(@Body() dto: CreatePipelineDto): Promise<PipelineView> {
    const { onFailure, webhookSecret, ...definition } = dto;
    return this.withFailureSettings(await this.definitions.create(definition), { onFailure, webhookSecret });
  }

  @Post('validate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Validate a tree without storing it' })
  @ApiOkResponse({ type: ValidationAnswerDto })
  validate(@Body() dto: ValidatePipelineDto): ValidationAnswer {
    return this.definitions.validate(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List pipelines, newest first' })
  @ApiOkResponse({ type: PipelinePageDto })
  list(@Query() query: PageQueryDto): Promise<Page<PipelineSummaryView>> {
    return this.definitions.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A pipeline with the tree of its latest (or a given) version' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: PipelineDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string, @Query() query: GetPipelineQueryDto): Promise<PipelineView> {
    return this.withFailureSettings(await this.definitions.get(id, query.version));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Store a new version of the tree; runs already started keep theirs' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: PipelineDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(@Param('id') id: string, @Body() dto: UpdatePipelineDto): Promise<PipelineView> {
    const { onFailure, webhookSecret, ...definition } = dto;
    return this.withFailureSettings(await this.definitions.update(id, definition), { onFailure, webhookSecret });
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Switch a pipeline on/off or change its concurrency limits (no new version)',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: PipelineDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async patch(@Param('id') id: string, @Body() dto: PatchPipelineDto): Promise<PipelineView> {
    const { onFailure, webhookSecret, ...limits } = dto;
    const view = await this.withFailureSettings(await this.definitions.patch(id, limits), { onFailure, webhookSecret });
    // A raised (or removed) cap admits pending runs at once (DESIGN §8.4).
    if (dto.maxConcurrentRuns !== undefined) await this.runs.admitPending(view.id);
    return view;
  }
}
