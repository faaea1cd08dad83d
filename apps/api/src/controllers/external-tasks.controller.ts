import { ExternalTaskService, type ExternalTaskPage, type ExternalTaskView, type LockedTask } from '@app/pipeline';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
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
import type { Response } from 'express';
import {
  CompleteTaskDto,
  DelayTaskDto,
  ExtendLockDto,
  ExternalTaskDto,
  ExternalTaskPageDto,
  FailTaskDto,
  FetchAndLockDto,
  ListExternalTasksQueryDto,
  LockedTaskDto,
} from '../dto/external-task.dto';
import { ErrorResponseDto } from '../dto/responses.dto';

const REFUSED = {
  type: ErrorResponseDto,
  description: 'LOCK_NOT_HELD, LOCK_EXPIRED, TASK_ALREADY_REPORTED, TASK_BEING_REPORTED or TASK_CANCELLED: nothing changed',
};

/** External workers (DESIGN §8.6, Camunda-style fetch-and-lock). Thin: DTO in, one service call, view out. */
@ApiTags('external-tasks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'API_TOKENS is set and no valid bearer token was sent' })
@Controller('external-tasks')
export class ExternalTasksController {
  constructor(private readonly tasks: ExternalTaskService) {}

  @Post('fetch-and-lock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lock up to maxTasks available tasks of the topics; long-polls up to waitSeconds when there are none' })
  @ApiOkResponse({ type: LockedTaskDto, isArray: true })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  fetchAndLock(@Body() dto: FetchAndLockDto, @Res({ passthrough: true }) res: Response): Promise<LockedTask[]> {
    // The client went away during the long poll: stop waiting and lock nothing for it.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    return this.tasks.fetchAndLock(dto, gone.signal);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'The holder finished: its outputs become the node\'s and the node finishes' })
  @ApiOkResponse({ type: ExternalTaskDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown task' })
  @ApiConflictResponse(REFUSED)
  complete(@Param('id') id: string, @Body() dto: CompleteTaskDto): Promise<ExternalTaskView> {
    return this.tasks.complete(id, dto.workerId, dto.outputs);
  }

  @Post(':id/fail')
  @HttpCode(200)
  @ApiOperation({ summary: 'The holder failed: offered again (retries > 0), the node fails (retries 0), or the node\'s retry policy decides (omitted)' })
  @ApiOkResponse({ type: ExternalTaskDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown task' })
  @ApiConflictResponse(REFUSED)
  fail(@Param('id') id: string, @Body() dto: FailTaskDto): Promise<ExternalTaskView> {
    return this.tasks.fail(id, dto);
  }

  @Post(':id/extend-lock')
  @HttpCode(200)
  @ApiOperation({ summary: 'The holder needs longer: the lock now ends lockSeconds from now' })
  @ApiOkResponse({ type: ExternalTaskDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown task' })
  @ApiConflictResponse(REFUSED)
  extendLock(@Param('id') id: string, @Body() dto: ExtendLockDto): Promise<ExternalTaskView> {
    return this.tasks.extendLock(id, dto.workerId, dto.lockSeconds);
  }

  @Post(':id/delay')
  @HttpCode(200)
  @ApiOperation({ summary: 'The holder postpones the task: released, offered again in `seconds` (no retry counted)' })
  @ApiOkResponse({ type: ExternalTaskDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown task' })
  @ApiConflictResponse(REFUSED)
  delay(@Param('id') id: string, @Body() dto: DelayTaskDto): Promise<ExternalTaskView> {
    return this.tasks.delay(id, dto.workerId, dto.seconds);
  }

  @Get()
  @ApiOperation({ summary: 'External tasks by topic, state and run, newest first' })
  @ApiOkResponse({ type: ExternalTaskPageDto })
  list(@Query() q: ListExternalTasksQueryDto): Promise<ExternalTaskPage> {
    return this.tasks.list({ topic: q.topic, state: q.state, runId: q.runId, page: q.page ?? 1, pageSize: q.pageSize ?? 20 });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One external task' })
  @ApiOkResponse({ type: ExternalTaskDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown task' })
  get(@Param('id') id: string): Promise<ExternalTaskView> {
    return this.tasks.get(id);
  }
}
