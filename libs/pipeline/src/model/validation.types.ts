/** Codes of DESIGN §3, §8.1 and §8.2; stable, part of the API. */
export const VALIDATION_CODES = [
  'INVALID_SCHEMA',
  'DUPLICATE_ID',
  'DANGLING_FLOW',
  'DEGREE',
  'CONNECT_TO_START',
  'CYCLE',
  'CONVERGE_MISMATCH',
  'STREAM',
  'UNREACHABLE',
  'UNKNOWN_COMPONENT',
  'INVALID_EXPRESSION',
  'INVALID_TIMER',
  'UNKNOWN_ACTION',
  // DAG definitions (§8.1)
  'UNKNOWN_DEPENDENCE',
  'INVALID_TRIGGER_RULE',
  // orderlines processes (§8.2)
  'UNKNOWN_TASK',
  // scheduled runs (§8.5)
  'INVALID_SCHEDULE',
  'INVALID_WEBHOOK',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

/** One problem found in a tree. `path` is a JSON-pointer-like dotted path, e.g. `activities.a1.component.code`. */
export interface ValidationIssue {
  code: ValidationCode;
  nodeId?: string;
  path: string;
  message: string;
}

/**
 * An extra check contributed from outside the core (a contrib lib validating its own node
 * keys, e.g. timer definitions). Called once per ServiceActivity/SubProcess node, nested
 * trees included; `path` is where the node sits in the submitted tree.
 */
export type NodeCheck = (node: import('./tree.types').Activity, path: string) => ValidationIssue[];

export interface ValidateOptions {
  /** Does a component with this code (and version, when given) exist? Omit to skip the check. */
  componentExists?: (code: string, version?: string) => boolean;
  /** Overrides `tree.options.cycle_tolerate`. */
  cycleTolerate?: boolean;
  extraChecks?: NodeCheck[];
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  /**
   * For every ParallelGateway / ConditionalParallelGateway (nested trees included), the id
   * of the ConvergeGateway that joins its branches. Only meaningful when `valid`.
   */
  converges: Record<string, string>;
}
