import type { PipelineTree } from '../model/tree.types';
import type { ValidateOptions, ValidationIssue } from '../model/validation.types';

/** Definition settings a source format carries (Termite's `max_scheduler_count`, orderlines' process timeout). */
export interface FormatSettings {
  maxConcurrentRuns?: number;
  queueMode?: 'fifo' | 'lifo';
  timeoutSeconds?: number;
}

/**
 * A submitted definition turned into the one internal tree the engine runs (DESIGN §8), or
 * every problem found, named in the source format's terms (work names, task ids).
 */
export type FormatCompileResult =
  | {
      valid: true;
      tree: PipelineTree;
      /** Fork gateway → converge gateway, as `validateTree` answers it for the internal tree. */
      converges: Record<string, string>;
      /** Definition settings given by the source; the build call's own settings win. */
      settings: FormatSettings;
      errors: [];
    }
  | { valid: false; errors: ValidationIssue[] };

/** One accepted definition format: parse → validate → compile, in one pure call. */
export interface DefinitionFormatCompiler {
  readonly format: string;
  compile(source: unknown, options: ValidateOptions): FormatCompileResult;
}
