import { ScheduleService, type ScheduleView } from '@app/pipeline';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../dto/responses.dto';
import { CreateScheduleDto, ScheduleDto, UpdateScheduleDto } from '../dto/schedule.dto';

const INVALID = { type: ErrorResponseDto, description: 'INVALID_SCHEDULE: a bad cron, zone, interval or instant (the field in `details[0].path`), or not exactly one of cron, every, at' };

/** Scheduled runs (DESIGN §8.5, §9). Thin: DTO in, one service call, view out. */
@ApiTags('schedules')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'API_TOKENS is set and no valid bearer token was sent' })
@Controller()
export class SchedulesController {
  constructor(private readonly schedules: ScheduleService) {}

  @Post('pipelines/:id/schedules')
  @ApiOperation({ summary: 'Schedule runs of a stored pipeline (cron, every or at); each firing starts a run of its latest version' })
  @ApiParam({ name: 'id', description: 'Pipeline id, or its key' })
  @ApiCreatedResponse({ type: ScheduleDto })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown pipeline' })
  create(@Param('id') pipelineId: string, @Body() dto: CreateScheduleDto): Promise<ScheduleView> {
    return this.schedules.create(pipelineId, dto);
  }

  @Get('pipelines/:id/schedules')
  @ApiOperation({ summary: "A pipeline's schedules, oldest first" })
  @ApiParam({ name: 'id', description: 'Pipeline id, or its key' })
  @ApiOkResponse({ type: ScheduleDto, isArray: true })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown pipeline' })
  list(@Param('id') pipelineId: string): Promise<ScheduleView[]> {
    return this.schedules.list(pipelineId);
  }

  @Get('schedules/:id')
  @ApiOperation({ summary: 'A schedule, with its next and last due times' })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown schedule' })
  get(@Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.get(id);
  }

  @Patch('schedules/:id')
  @ApiOperation({ summary: 'Pause (`enabled: false`), resume, or change a schedule; its next due time is computed from now' })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown schedule' })
  update(@Param('id') id: string, @Body() dto: UpdateScheduleDto): Promise<ScheduleView> {
    return this.schedules.update(id, dto);
  }

  @Delete('schedules/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a schedule (runs it started are kept)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown schedule' })
  delete(@Param('id') id: string): Promise<void> {
    return this.schedules.delete(id);
  }
}
