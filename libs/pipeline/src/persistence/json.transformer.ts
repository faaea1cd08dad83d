import type { ValueTransformer } from 'typeorm';

/**
 * JSON in a text column, the same way on SQLite and MySQL (MariaDB's JSON is an alias of
 * LONGTEXT anyway). `undefined` is stored as NULL.
 */
export const jsonTransformer: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: unknown) => {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') return value;
    return JSON.parse(value);
  },
};

/** Column options for a JSON value (the migration gives MySQL a LONGTEXT). */
export const jsonColumn = (name: string, nullable = true) =>
  ({ name, type: 'text', nullable, transformer: jsonTransformer }) as const;
