import {
  BadRequestException,
  HttpStatus,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import {
  BadRequestError,
  ConflictError,
  InvalidTreeError,
  NotFoundError,
  PipelineError,
} from '@app/pipeline';
import { PipelineExceptionFilter } from './pipeline-exception.filter';
import { RequestValidationException } from './request-validation.exception';

class DownError extends PipelineError {
  readonly code = 'QUEUE_DOWN';
  readonly kind = 'unavailable' as const;
  constructor() {
    super('The queue is unreachable');
  }
}

function hostFor(sent: { status?: number; body?: unknown }, headersSent = false): ArgumentsHost {
  const response = {
    headersSent,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const request = {
    method: 'POST',
    originalUrl: '/api/v1/runs?token=secret',
    body: { password: 'hunter2' },
  };
  return {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
}

describe('PipelineExceptionFilter', () => {
  const filter = new PipelineExceptionFilter();
  const answer = (exception: unknown) => {
    const sent: { status?: number; body?: Record<string, unknown> } = {};
    filter.catch(exception, hostFor(sent));
    return sent;
  };

  it.each([
    [
      new InvalidTreeError([{ code: 'CYCLE', path: 'flows', message: 'loop' }]),
      400,
      'INVALID_TREE',
    ],
    [new BadRequestError('bad', 'UNSUPPORTED_FORMAT'), 400, 'UNSUPPORTED_FORMAT'],
    [new NotFoundError('run', 'r1'), 404, 'NOT_FOUND'],
    [new ConflictError('not now', { state: 'FINISHED' }, 'INVALID_STATE'), 409, 'INVALID_STATE'],
    [new DownError(), 503, 'QUEUE_DOWN'],
  ])('maps %p to %i', (error, status, code) => {
    const { status: sentStatus, body } = answer(error);
    expect(sentStatus).toBe(status);
    expect(body).toMatchObject({
      statusCode: status,
      error: expect.any(String),
      message: (error as Error).message,
      code,
    });
  });

  it('lists tree problems in details and context fields at the top level', () => {
    expect(
      answer(new InvalidTreeError([{ code: 'CYCLE', nodeId: 'a', path: 'flows', message: 'loop' }]))
        .body,
    ).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.any(String),
      code: 'INVALID_TREE',
      details: [{ code: 'CYCLE', nodeId: 'a', path: 'flows', message: 'loop' }],
    });
    expect(
      answer(new ConflictError('not now', { state: 'FINISHED', statusCode: 200 })).body,
    ).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      state: 'FINISHED',
    });
  });

  it('passes Nest HttpExceptions through in the same shape', () => {
    expect(answer(new NotFoundException('Cannot GET /x')).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /x',
    });
    expect(
      answer(new BadRequestException(['a must be a string', 'b is required'])).body,
    ).toMatchObject({
      statusCode: 400,
      message: 'a must be a string; b is required',
      details: [
        expect.objectContaining({ message: 'a must be a string' }),
        expect.objectContaining({ message: 'b is required' }),
      ],
    });
    expect(
      answer(
        new ServiceUnavailableException({ message: 'Health check failed', checks: { db: 'down' } }),
      ).body,
    ).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Health check failed',
      checks: { db: 'down' },
    });
  });

  it('answers DTO problems with one detail per field', () => {
    const body = answer(
      new RequestValidationException([
        { code: 'INVALID_REQUEST', path: 'name', message: 'name must be a string' },
        { code: 'INVALID_REQUEST', path: 'inputs', message: 'inputs must be an object' },
      ]),
    ).body;
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'INVALID_REQUEST' });
    expect(body?.details).toHaveLength(2);
  });

  it('hides unexpected errors behind a 500 and logs them without the request body or query', () => {
    const logged: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
    try {
      const { status, body } = answer(new Error('SQLITE_CORRUPT at /var/lib/secret.db'));
      expect(status).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
      expect(body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
        code: 'INTERNAL',
      });
      expect(logged.join('\n')).toContain('POST /api/v1/runs');
      expect(logged.join('\n')).toContain('SQLITE_CORRUPT');
      expect(logged.join('\n')).not.toMatch(/hunter2|token=secret/);
    } finally {
      spy.mockRestore();
    }
  });

  it('maps body-parser failures without quoting the body', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token s in JSON: "secret"'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    expect(answer(new BadRequestException(parse.message, { cause: parse })).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'The request body is not valid JSON',
      code: 'MALFORMED_JSON',
    });
    const big = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
      limit: 1024,
    });
    expect(answer(big).body).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('does not write to a response already sent', () => {
    const sent: { status?: number } = {};
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    filter.catch(new Error('late'), hostFor(sent, true));
    expect(sent.status).toBeUndefined();
    jest.restoreAllMocks();
  });
});
