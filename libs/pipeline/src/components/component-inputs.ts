import type { ComponentData } from './service';

/**
 * Input checking for components: read typed inputs with `readInputs`, and a malformed input
 * fails the node (returns `false` with a clear `ex_data`) instead of throwing, so it shows up as
 * `node_execute_fail` rather than as an exception.
 */

/** Thrown by `InputReader` for a missing or malformed input; `readInputs` turns it into `ex_data`. */
export class ComponentInputError extends Error {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'ComponentInputError';
  }
}

export interface NumberInputOptions {
  /** Used when the input is absent (undefined or null); without it the input is required. */
  default?: number;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (`> value`). */
  greaterThan?: number;
  /** Inclusive upper bound. */
  max?: number;
  integer?: boolean;
}

/**
 * Typed access to rendered inputs. Absent means `undefined` or `null`. Numbers and booleans also
 * accept their string forms (`"5"`, `"false"`), since text templates render to strings.
 */
export class InputReader {
  constructor(private readonly inputs: Readonly<Record<string, unknown>>) {}

  /** The raw value, `undefined` when absent. */
  any(key: string): unknown {
    const value = this.inputs[key];
    return value === null ? undefined : value;
  }

  number(key: string, options: NumberInputOptions = {}): number {
    const raw = this.any(key);
    const expected = describeNumber(options);
    if (raw === undefined) {
      if (options.default !== undefined) return options.default;
      throw new ComponentInputError(`input '${key}' is required (${expected})`, key);
    }
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (options.integer && !Number.isInteger(value)) ||
      (options.min !== undefined && value < options.min) ||
      (options.greaterThan !== undefined && value <= options.greaterThan) ||
      (options.max !== undefined && value > options.max)
    ) {
      throw new ComponentInputError(`input '${key}' must be ${expected}, got ${show(raw)}`, key);
    }
    return value;
  }

  string(key: string, options: { default?: string; nonEmpty?: boolean } = {}): string {
    const raw = this.any(key);
    if (raw === undefined) {
      if (options.default !== undefined) return options.default;
      throw new ComponentInputError(`input '${key}' is required (a string)`, key);
    }
    if (typeof raw !== 'string' || (options.nonEmpty && raw.trim() === '')) {
      throw new ComponentInputError(
        `input '${key}' must be ${options.nonEmpty ? 'a non-empty string' : 'a string'}, got ${show(raw)}`,
        key,
      );
    }
    return raw;
  }

  boolean(key: string, options: { default?: boolean } = {}): boolean {
    const raw = this.any(key);
    if (raw === undefined) {
      if (options.default !== undefined) return options.default;
      throw new ComponentInputError(`input '${key}' is required (true or false)`, key);
    }
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim()))
      return raw.trim().toLowerCase() === 'true';
    throw new ComponentInputError(`input '${key}' must be true or false, got ${show(raw)}`, key);
  }

  /** A plain JSON object (not an array); `undefined` when absent and not required. */
  object(key: string, options: { required?: boolean } = {}): Record<string, unknown> | undefined {
    const raw = this.any(key);
    if (raw === undefined) {
      if (options.required)
        throw new ComponentInputError(`input '${key}' is required (an object)`, key);
      return undefined;
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ComponentInputError(`input '${key}' must be an object, got ${show(raw)}`, key);
    }
    return raw as Record<string, unknown>;
  }
}

/** Sets `ex_data` and returns `false`: `return failWith(data, 'why')` fails the node. */
export function failWith(data: ComponentData, exData: unknown): false {
  data.outputs.ex_data = exData;
  return false;
}

/**
 * Runs `read` against the node's inputs. On a `ComponentInputError` sets `ex_data` to its message
 * and returns `undefined` (the caller returns `false`); other errors propagate.
 *
 * ```ts
 * const inputs = readInputs(data, (r) => ({ seconds: r.number('seconds', { min: 0 }) }));
 * if (!inputs) return false;
 * ```
 */
export function readInputs<T extends object>(
  data: ComponentData,
  read: (reader: InputReader) => T,
): T | undefined {
  try {
    return read(new InputReader(data.inputs));
  } catch (error) {
    if (error instanceof ComponentInputError) {
      failWith(data, error.message);
      return undefined;
    }
    throw error;
  }
}

function describeNumber(options: NumberInputOptions): string {
  const bounds: string[] = [];
  if (options.min !== undefined) bounds.push(`>= ${options.min}`);
  if (options.greaterThan !== undefined) bounds.push(`> ${options.greaterThan}`);
  if (options.max !== undefined) bounds.push(`<= ${options.max}`);
  return [options.integer ? 'an integer' : 'a number', bounds.join(' and ')]
    .filter(Boolean)
    .join(' ');
}

/** A short, log-safe rendering of a bad value for messages. */
function show(value: unknown): string {
  let text: string;
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
