import type { PipelineTree } from '../model/tree.types';
import { validateTree } from '../model/validate-tree';
import type { ValidateOptions } from '../model/validation.types';
import type { DefinitionFormatCompiler, FormatCompileResult } from './definition-format';

/** bamboo's tree (DESIGN §3): already the internal model, so compiling is validating. */
export const treeFormat: DefinitionFormatCompiler = {
  format: 'tree',
  compile(source: unknown, options: ValidateOptions): FormatCompileResult {
    const result = validateTree(source, options);
    if (!result.valid) return { valid: false, errors: result.errors };
    return { valid: true, tree: source as PipelineTree, converges: result.converges, settings: {}, errors: [] };
  },
};
