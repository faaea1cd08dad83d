/**
 * The safe expression language of conditions and templates (DESIGN §3). Pure: no Nest, no
 * `eval` / `new Function` / `vm`. Syntax and semantics: README.md beside this file.
 */
export { scopeFromRecord, type VariableScope } from './variable-scope';
export { ExpressionError } from './expression.error';
export { EXPRESSION_LIMITS } from './expression-limits';
export {
  evaluateExpression,
  evaluateCondition,
  renderTemplate,
  checkCondition,
  checkTemplate,
  templateReferences,
  conditionReferences,
} from './expressions';

import { FUNCTIONS } from './functions';
/** Names of the functions an expression may call. */
export const EXPRESSION_FUNCTIONS: readonly string[] = Object.freeze([...FUNCTIONS.keys()]);
