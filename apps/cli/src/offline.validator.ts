import { compileDefinition } from '@app/pipeline';
import type { ValidationAnswer } from './pipeline-http.client';

/**
 * Checks a definition in-process with the engine's own compilers (`@app/pipeline`), as
 * `POST /pipelines/validate` would, except component codes (only a server knows its
 * components). Its own module so the CLI loads the engine lib only when it validates offline.
 */
export function validateOffline(format: string, definition: unknown): ValidationAnswer {
  const result = compileDefinition(format, definition, {});
  return { valid: result.valid, errors: result.errors };
}
