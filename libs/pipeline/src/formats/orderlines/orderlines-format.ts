import { validateTree } from '../../model/validate-tree';
import type { ValidateOptions } from '../../model/validation.types';
import type { DefinitionFormatCompiler, FormatCompileResult } from '../definition-format';
import { buildOrderlinesTree } from './build-orderlines-tree';
import { OrderlinesCompilerBugError } from './orderlines-compiler-bug.error';
import { readOrderlinesProcess } from './read-orderlines-process';

/**
 * orderlines processes (`format: "orderlines"`, DESIGN §8.2): read and validated in
 * orderlines' terms (read-orderlines-process.ts), compiled into the internal tree
 * (build-orderlines-tree.ts), which `validateTree` then checks and matches gateways of. The
 * internal tree failing validation is a compiler bug, thrown as such (never blamed on the
 * user as a 400). `process_info.process_config.timeout` becomes the `timeoutSeconds` setting.
 */
export const orderlinesFormat: DefinitionFormatCompiler = {
  format: 'orderlines',
  compile(source: unknown, options: ValidateOptions): FormatCompileResult {
    const read = readOrderlinesProcess(source, options);
    if (!read.process) return { valid: false, errors: read.errors };
    const tree = buildOrderlinesTree(read.process);
    const checked = validateTree(tree, options);
    if (!checked.valid) throw new OrderlinesCompilerBugError(checked.errors);
    const settings =
      read.process.timeoutSeconds !== undefined
        ? { timeoutSeconds: read.process.timeoutSeconds }
        : {};
    return { valid: true, tree, converges: checked.converges, settings, errors: [] };
  },
};
