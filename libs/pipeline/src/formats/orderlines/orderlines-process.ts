import type { ResultBinding } from '../../model/tree.types';

/**
 * An orderlines process (DESIGN §8.2) as the compiler reads it once it has passed validation:
 * ids as strings, defaults applied. Built by `readOrderlinesProcess`, turned into the internal
 * tree by `buildOrderlinesTree`.
 */

export const TASK_TYPES = [
  'start',
  'end',
  'common',
  'group',
  'parallel',
  'process_control',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** process_control by value: `sign` of a clause and the expression operator it compiles to. */
export const SIGNS: Readonly<Record<string, string>> = {
  '=': '==',
  '>': '>',
  '>=': '>=',
  '<=': '<=',
  '<': '<',
};

interface TaskBase {
  id: string;
  /** Position in the submitted node list. */
  index: number;
  name?: string;
  /** `next_id` as a string; null when the task ends its line (it then leads to the end). */
  nextId: string | null;
}

export interface StartTask extends TaskBase {
  type: 'start';
}

export interface EndTask extends TaskBase {
  type: 'end';
}

export interface CommonTask extends TaskBase {
  type: 'common';
  /** The component code: `<task_module>.<method_name>` when registered, else `<method_name>`. */
  component: string;
  kwargs: Record<string, unknown>;
  results: ResultBinding[];
  /** `task_strategy` skip: the run goes on when the task fails. */
  errorIgnorable: boolean;
  /** `task_strategy` retry: attempts in all (`retry_time`, default 3). */
  attempts?: number;
  /** `task_config.timeout`, seconds. */
  timeoutSeconds?: number;
  /** `callback_module.callback_func` / `notice_type`: what to call when the task fails for good. */
  onFailure?: { component?: string; noticeType?: string };
}

export interface GroupTask extends TaskBase {
  type: 'group';
  /** Common tasks run one after another. */
  members: string[];
}

export interface ParallelTask extends TaskBase {
  type: 'parallel';
  /** Each a common task or a group: one branch each. */
  branches: string[];
  /** `task_config.runner` (`gevent` / `process`): accepted, no effect. */
  runner?: string;
}

export interface ValueClause {
  condition: unknown;
  target: unknown;
  sign: string;
}

export interface ValueRule {
  name: string;
  clauses: ValueClause[];
  target: string;
}

export type ProcessControlTask = TaskBase & {
  type: 'process_control';
} & (
    | { mode: 'status'; statusOf: string; success?: string; failure?: string }
    | { mode: 'value'; rules: ValueRule[] }
  );

export type Task = StartTask | EndTask | CommonTask | GroupTask | ParallelTask | ProcessControlTask;

export interface OrderlinesProcess {
  /** Every task, in the submitted order. */
  tasks: Task[];
  byId: ReadonlyMap<string, Task>;
  start: StartTask;
  end: EndTask;
  /** Tasks that run inside a group or a parallel node (their own `next_id` is not followed). */
  contained: ReadonlySet<string>;
  name?: string;
  /** `process_info.process_config.timeout`. */
  timeoutSeconds?: number;
}
