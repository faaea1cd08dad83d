/**
 * Checks JSON typed into a form (start inputs, retry inputs, callback data) before it is sent.
 * Pure.
 */

/** The parsed value, or why it is refused (with the position when the JSON is malformed). */
export type JsonInputResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses `text` as a JSON object (`{}` for blank text when `allowEmpty`): arrays, strings,
 * numbers and null are refused, as the api wants an object of named values.
 */
export function parseJsonObject(text: string, allowEmpty = true): JsonInputResult<Record<string, unknown>> {
  const trimmed = text.trim();
  if (trimmed === '') return allowEmpty ? { ok: true, value: {} } : { ok: false, error: 'a JSON object is required' };
  const parsed = parseJson(trimmed);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: `expected a JSON object like {"name": "value"}, got ${describe(value)}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Parses any JSON value (blank is refused). */
export function parseJson(text: string): JsonInputResult<unknown> {
  if (text.trim() === '') return { ok: false, error: 'a JSON value is required' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `invalid JSON: ${(e as Error).message}` };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
