import { Transform } from 'class-transformer';

/**
 * Keeps a JSON field exactly as parsed. Without it `ValidationPipe({ transform: true })` would
 * rebuild nested objects property by property (an own `__proto__` key would then set a prototype).
 * Trees and inputs are checked by the engine, not by the DTO.
 */
export const KeepRaw = (): PropertyDecorator =>
  Transform(({ obj, key }) => (obj as Record<string, unknown>)[key]);
