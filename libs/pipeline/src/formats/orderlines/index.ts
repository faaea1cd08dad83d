export { orderlinesFormat } from './orderlines-format';
export { OrderlinesCompilerBugError } from './orderlines-compiler-bug.error';
