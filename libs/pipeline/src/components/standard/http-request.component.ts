import { Logger } from '@nestjs/common';
import { ComponentInputError, failWith, readInputs, type InputReader } from '../component-inputs';
import { PipelineComponent } from '../pipeline-component.decorator';
import { Service, type ComponentData, type FieldFormat } from '../service';

/** Response bodies are read up to this size; the rest is dropped and `truncated` is true. */
export const HTTP_REQUEST_MAX_BODY_BYTES = 1024 * 1024;
/** Longer work should be a `wait_callback` node, not a worker held on an open request. */
export const HTTP_REQUEST_MAX_TIMEOUT_SECONDS = 600;

interface HttpRequestInputs {
  url: URL;
  method: string;
  headers: Headers;
  body?: string;
  timeoutSeconds: number;
  failOnHttpError: boolean;
}

/**
 * `http_request`: one real HTTP call with Node's `fetch`. Outputs `status`, `headers`, `body`
 * (parsed when the response is JSON, else text, cut at 1 MiB with `truncated: true`). A status
 * >= 400 fails the node (outputs still set) unless `failOnHttpError` is false.
 *
 * Delivery is at-least-once: after a worker crash the call may be made again, so point it at
 * idempotent endpoints or send an idempotency key header. Header values and the URL's query
 * string never reach logs or `ex_data`.
 */
@PipelineComponent({
  code: 'http_request',
  name: 'HTTP request',
  description: 'Makes an HTTP(S) call and outputs the status, headers and body.',
})
export class HttpRequestComponent extends Service {
  private readonly logger = new Logger(HttpRequestComponent.name);

  async execute(data: ComponentData): Promise<boolean> {
    const inputs = readInputs(data, readHttpInputs);
    if (!inputs) return false;
    const target = `${inputs.method} ${redactUrl(inputs.url)}`;

    let response: Response;
    let body: { text: string; truncated: boolean };
    try {
      response = await fetch(inputs.url, {
        method: inputs.method,
        headers: inputs.headers,
        body: inputs.body,
        redirect: 'follow',
        signal: AbortSignal.timeout(inputs.timeoutSeconds * 1000),
      });
      body = await readBody(response, HTTP_REQUEST_MAX_BODY_BYTES);
    } catch (error) {
      const exData = describeFetchError(error, target, inputs.timeoutSeconds);
      this.logger.debug(exData);
      return failWith(data, exData);
    }

    data.setOutput('status', response.status);
    data.setOutput('headers', responseHeaders(response.headers));
    data.setOutput(
      'body',
      parseBody(body.text, body.truncated, response.headers.get('content-type')),
    );
    data.setOutput('truncated', body.truncated);
    this.logger.debug(`${target} -> ${response.status}`);

    if (response.status >= 400 && inputs.failOnHttpError) {
      const snippet = body.text.trim().slice(0, 200);
      const statusText = response.statusText ? ` ${response.statusText}` : '';
      return failWith(
        data,
        `HTTP ${response.status}${statusText} from ${target}${snippet ? `: ${snippet}` : ''}`,
      );
    }
    return true;
  }

  override inputsFormat(): FieldFormat[] {
    return [
      {
        key: 'url',
        type: 'string',
        required: true,
        description: 'An absolute http:// or https:// URL.',
      },
      { key: 'method', type: 'string', description: 'HTTP method (default GET).' },
      { key: 'headers', type: 'object', description: 'Request headers, name -> value.' },
      {
        key: 'body',
        type: 'any',
        description:
          'A string is sent as is; anything else is sent as JSON (content-type application/json).',
      },
      {
        key: 'timeoutSeconds',
        type: 'number',
        description: `Whole-call timeout (> 0, <= ${HTTP_REQUEST_MAX_TIMEOUT_SECONDS}, default 30).`,
      },
      {
        key: 'failOnHttpError',
        type: 'boolean',
        description: 'Fail the node on a status >= 400 (default true).',
      },
    ];
  }

  override outputsFormat(): FieldFormat[] {
    return [
      { key: 'status', type: 'number', description: 'The response status code.' },
      {
        key: 'headers',
        type: 'object',
        description: "Response headers (lower-case names; 'set-cookie' is an array).",
      },
      { key: 'body', type: 'any', description: 'Parsed JSON for a JSON response, else the text.' },
      {
        key: 'truncated',
        type: 'boolean',
        description: 'The body was longer than 1 MiB and was cut.',
      },
    ];
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSUPPORTED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

function readHttpInputs(r: InputReader): HttpRequestInputs {
  const rawUrl = r.string('url', { nonEmpty: true }).trim();
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new ComponentInputError("input 'url' must be an absolute http:// or https:// URL", 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ComponentInputError(
      `input 'url' must use http or https, not ${url.protocol.slice(0, -1)}`,
      'url',
    );
  }
  if (url.username || url.password) {
    throw new ComponentInputError(
      "input 'url' must not hold credentials; send them in an Authorization header",
      'url',
    );
  }

  const method = r.string('method', { default: 'GET', nonEmpty: true }).trim().toUpperCase();
  if (!TOKEN.test(method) || UNSUPPORTED_METHODS.has(method)) {
    throw new ComponentInputError(
      `input 'method' is not a supported HTTP method: ${JSON.stringify(method.slice(0, 40))}`,
      'method',
    );
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(r.object('headers') ?? {})) {
    if (value === undefined || value === null) continue;
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new ComponentInputError(
        `input 'headers': the value of '${name}' must be a string`,
        'headers',
      );
    }
    try {
      headers.append(name, String(value));
    } catch {
      // The value is not echoed: it may be a secret.
      throw new ComponentInputError(
        `input 'headers': '${name.slice(0, 60)}' is not a valid header name or value`,
        'headers',
      );
    }
  }

  const rawBody = r.any('body');
  let body: string | undefined;
  if (rawBody !== undefined) {
    if (method === 'GET' || method === 'HEAD') {
      throw new ComponentInputError(`input 'body' is not allowed with ${method}`, 'body');
    }
    if (typeof rawBody === 'string') {
      body = rawBody;
    } else {
      body = JSON.stringify(rawBody);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }

  return {
    url,
    method,
    headers,
    body,
    timeoutSeconds: r.number('timeoutSeconds', {
      default: 30,
      greaterThan: 0,
      max: HTTP_REQUEST_MAX_TIMEOUT_SECONDS,
    }),
    failOnHttpError: r.boolean('failOnHttpError', { default: true }),
  };
}

/** Reads at most `limit` bytes, then cancels the stream. Honours the response's charset. */
async function readBody(
  response: Response,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      size = limit;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return {
    text: decoderFor(response.headers.get('content-type')).decode(Buffer.concat(chunks, size)),
    truncated,
  };
}

function decoderFor(contentType: string | null): TextDecoder {
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8');
  }
}

function parseBody(text: string, truncated: boolean, contentType: string | null): unknown {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  if (!isJson || truncated || text.trim() === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function responseHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}

/** The URL without its query string or fragment, which often carry tokens. */
function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
}

function describeFetchError(error: unknown, target: string, timeoutSeconds: number): string {
  const err = asErrorLike(error);
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `${target} timed out after ${timeoutSeconds}s`;
  const detail = describeCause(err?.cause) ?? err?.message ?? String(error);
  return `${target} failed: ${detail}`;
}

/** undici's errors may come from another realm (e.g. under jest), so no `instanceof Error`. */
function describeCause(cause: unknown): string | undefined {
  const err = asErrorLike(cause);
  if (!err) return undefined;
  if (err.message) return err.message;
  if (Array.isArray(err.errors) && err.errors.length > 0) return describeCause(err.errors[0]);
  if (typeof err.code === 'string') return err.code;
  return typeof err.name === 'string' ? err.name : undefined;
}

interface ErrorLike {
  name?: unknown;
  message?: string;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // Read one by one: `cause`, `message` and friends are not enumerable own properties.
  const err = value as ErrorLike;
  return {
    name: err.name,
    message: typeof err.message === 'string' ? err.message : undefined,
    code: err.code,
    cause: err.cause,
    errors: err.errors,
  };
}
