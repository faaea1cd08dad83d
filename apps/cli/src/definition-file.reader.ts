import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CliError, usageError } from './cli.errors';

/** The definition formats the engine accepts (DESIGN §8); `tree` is bamboo's. */
export const CLI_FORMATS = ['tree', 'dag', 'orderlines'] as const;
export type CliFormat = (typeof CLI_FORMATS)[number];

/** A definition file read and its format decided. */
export interface DefinitionSource {
  format: CliFormat;
  definition: unknown;
  /** How the format was decided: `--format`, the wrapper's `format`, or recognised from the keys. */
  formatFrom: 'option' | 'wrapper' | 'guessed';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The format a bare definition is written in, from its keys (DESIGN §10): `start_event` →
 * bamboo `tree`, `works` → `dag`, `process_node` / `nodes` / `task_nodes` or an array →
 * `orderlines`. `undefined` when nothing is recognised.
 */
export function guessFormat(definition: unknown): CliFormat | undefined {
  if (Array.isArray(definition)) return 'orderlines';
  if (!isRecord(definition)) return undefined;
  if ('start_event' in definition) return 'tree';
  if ('works' in definition) return 'dag';
  if ('process_node' in definition || 'nodes' in definition || 'task_nodes' in definition)
    return 'orderlines';
  return undefined;
}

/** Checks a `--format` value; a usage error (exit 2) for anything else. */
export function parseFormatOption(value: string): CliFormat {
  if ((CLI_FORMATS as readonly string[]).includes(value)) return value as CliFormat;
  throw usageError(`--format must be one of ${CLI_FORMATS.join(', ')} (got '${value}')`);
}

/**
 * Decides the definition and its format from parsed file content: a `{format?, definition}`
 * wrapper (the body of `POST /pipelines`, extra keys such as `name` ignored) or a bare
 * definition; `override` (`--format`) wins over both.
 */
export function resolveDefinition(content: unknown, override?: CliFormat): DefinitionSource {
  const bareFormat = guessFormat(content);
  const wrapped = bareFormat === undefined && isRecord(content) && 'definition' in content;
  const definition = wrapped ? (content as Record<string, unknown>).definition : content;
  if (override) return { format: override, definition, formatFrom: 'option' };
  if (wrapped) {
    const declared = (content as Record<string, unknown>).format;
    if (declared !== undefined) {
      if (typeof declared !== 'string' || !(CLI_FORMATS as readonly string[]).includes(declared))
        throw new CliError(
          'UNKNOWN_FORMAT',
          `the file's format ${JSON.stringify(declared)} is not one of ${CLI_FORMATS.join(', ')}`,
        );
      return { format: declared as CliFormat, definition, formatFrom: 'wrapper' };
    }
  }
  const guessed = guessFormat(definition);
  if (guessed) return { format: guessed, definition, formatFrom: 'guessed' };
  // Nothing recognisable: let the tree validator name what is missing (as the api's default format).
  return { format: 'tree', definition, formatFrom: 'guessed' };
}

/** Parses file text: JSON for `.json`, YAML (a superset of JSON) otherwise. */
export function parseDefinitionText(text: string, fileName: string): unknown {
  const ext = extname(fileName).toLowerCase();
  try {
    return ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CliError(
      'UNPARSABLE_FILE',
      `${fileName} is not valid ${ext === '.json' ? 'JSON' : 'JSON or YAML'}: ${why}`,
    );
  }
}

/** Reads, parses and resolves a definition file (`-` reads stdin). */
export function readDefinitionFile(file: string, override?: CliFormat): DefinitionSource {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch {
    throw new CliError('FILE_NOT_FOUND', `cannot read ${file}`);
  }
  return resolveDefinition(parseDefinitionText(text, file), override);
}
