import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

/** What a timer queue name may hold: BullMQ refuses `:`, hence bamboo's names with `_`. */
export const TIMER_QUEUE_NAME = /^[A-Za-z0-9_.-]+$/;

/** How a contrib module's settings are read from the environment. */
export interface TimerSettingsSpec<T extends object> {
  /** For the error message: `node-timeout`. */
  name: string;
  /** Every setting with its default; only these keys are read. */
  defaults: Readonly<T>;
  /** The settings as a class-validator class whose fields default to `defaults`. */
  schema: ClassConstructor<T>;
  /** Settings that hold numbers; they are parsed when they parse, and left as text otherwise. */
  numeric?: readonly (keyof T & string)[];
}

/**
 * A contrib module's settings from environment variables, for the config file of each app
 * that hosts the module: unset or empty ones keep their default, other variables are
 * ignored, and every bad one is named at once, so a deployment's mistakes show in one boot.
 * A number that does not parse stays text, so the message names the setting.
 * @throws Error `Invalid <name> settings: <problem>; ...`
 */
export function readTimerSettings<T extends object>(
  env: Record<string, unknown>,
  spec: TimerSettingsSpec<T>,
): T {
  const numeric = new Set<string>(spec.numeric ?? []);
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(spec.defaults)) {
    const value = env[key];
    if (value === undefined || value === null || String(value).trim() === '') continue;
    const text = String(value).trim();
    raw[key] = numeric.has(key) && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  const config = plainToInstance(spec.schema, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { validationError: { target: false, value: false } });
  if (errors.length > 0) {
    throw new Error(
      `Invalid ${spec.name} settings: ${errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ')}`,
    );
  }
  return { ...config };
}
