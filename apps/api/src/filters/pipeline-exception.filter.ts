import { STATUS_CODES } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { type ErrorKind, PipelineError } from '@app/pipeline';
import type { Request, Response } from 'express';

/** The one error shape of the API (DESIGN §9), plus `code` and context fields such as `state`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: unknown[];
  [context: string]: unknown;
}

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** What body-parser attaches to the errors it raises (`http-errors`). */
interface BodyParserError extends Error {
  type: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  limit?: number;
}

const reason = (status: number): string => STATUS_CODES[status] ?? 'Error';

/**
 * Turns every exception into the API's error shape. Engine errors map by `kind`; Nest
 * HttpExceptions keep their status; body-parser failures become 400 / 413 without echoing the
 * body; anything else is a 500 whose details stay in the log. Request bodies are never logged.
 */
@Catch()
export class PipelineExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(PipelineExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const body = this.toBody(exception, request);
    if (response.headersSent) {
      // Nothing sensible can be sent any more; make sure the failure is at least visible.
      this.logger.error(
        `Error after the response was sent on ${describe(request)}: ${errorText(exception)}`,
      );
      return;
    }
    response.status(body.statusCode).json(body);
  }

  toBody(exception: unknown, request?: Request): ErrorBody {
    if (exception instanceof PipelineError) {
      const statusCode = STATUS_BY_KIND[exception.kind] ?? HttpStatus.INTERNAL_SERVER_ERROR;
      return {
        ...exception.context,
        statusCode,
        error: reason(statusCode),
        message: exception.message,
        code: exception.code,
        ...(exception.details?.length ? { details: exception.details } : {}),
      };
    }
    // Nest wraps body-parser's errors in an HttpException whose message may quote the body.
    if (exception instanceof HttpException && isBodyParserError(exception.cause))
      return fromBodyParserError(exception.cause);
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (isBodyParserError(exception)) return fromBodyParserError(exception);

    this.logger.error(
      `Unhandled error on ${describe(request)}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      statusCode: 500,
      error: reason(500),
      message: 'Internal server error',
      code: 'INTERNAL',
    };
  }
}

function fromHttpException(exception: HttpException): ErrorBody {
  const statusCode = exception.getStatus();
  const payload = exception.getResponse();
  if (typeof payload === 'string')
    return { statusCode, error: reason(statusCode), message: payload };
  const { statusCode: _s, error: _e, message, ...rest } = payload as Record<string, unknown>;
  if (Array.isArray(message)) {
    // A plain ValidationPipe-style list of messages: keep them as details.
    return {
      ...rest,
      statusCode,
      error: reason(statusCode),
      message: message.map(String).join('; '),
      details: message.map((m) => ({ code: 'INVALID_REQUEST', path: '', message: String(m) })),
    };
  }
  return {
    ...rest,
    statusCode,
    error: reason(statusCode),
    message: typeof message === 'string' ? message : exception.message,
  };
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    e instanceof Error &&
    typeof (e as BodyParserError).type === 'string' &&
    typeof ((e as BodyParserError).status ?? (e as BodyParserError).statusCode) === 'number'
  );
}

function fromBodyParserError(e: BodyParserError): ErrorBody {
  const statusCode = e.status ?? e.statusCode ?? 400;
  switch (e.type) {
    // body-parser's message for this quotes part of the body: never pass it on.
    case 'entity.parse.failed':
      return {
        statusCode: 400,
        error: reason(400),
        message: 'The request body is not valid JSON',
        code: 'MALFORMED_JSON',
      };
    case 'entity.too.large':
      return {
        statusCode: 413,
        error: reason(413),
        message: e.limit
          ? `The request body is larger than the limit of ${e.limit} bytes`
          : 'The request body is too large',
        code: 'PAYLOAD_TOO_LARGE',
      };
    default:
      return {
        statusCode,
        error: reason(statusCode),
        message: e.expose && statusCode < 500 ? e.message : reason(statusCode),
        code: 'BAD_BODY',
      };
  }
}

/** Method and path only: query strings and bodies may carry secrets. */
function describe(request?: Request): string {
  if (!request) return 'a request';
  return `${request.method} ${(request.originalUrl ?? request.url ?? '').split('?')[0]}`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
