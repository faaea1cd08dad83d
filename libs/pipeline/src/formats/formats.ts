import type { ValidateOptions } from '../model/validation.types';
import type { DefinitionFormatCompiler, FormatCompileResult } from './definition-format';
import { dagFormat } from './dag/dag-format';
import { orderlinesFormat } from './orderlines';
import { treeFormat } from './tree-format';

/** Every accepted definition format by name; `tree` (bamboo) is the default. */
const COMPILERS = new Map<string, DefinitionFormatCompiler>([
  [treeFormat.format, treeFormat],
  [dagFormat.format, dagFormat],
  [orderlinesFormat.format, orderlinesFormat],
]);

/** Names of the formats `POST /pipelines` and `POST /runs` accept. */
export function definitionFormats(): string[] {
  return [...COMPILERS.keys()];
}

export function isDefinitionFormat(format: string): boolean {
  return COMPILERS.has(format);
}

/** Compile a definition written in `format` (which must be one of `definitionFormats()`). */
export function compileDefinition(format: string, source: unknown, options: ValidateOptions): FormatCompileResult {
  const compiler = COMPILERS.get(format);
  if (!compiler) throw new Error(`unknown definition format '${format}'`);
  return compiler.compile(source, options);
}
