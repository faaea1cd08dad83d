/** Node states (DESIGN §4, bamboo's table). */
/** `SKIPPED`: a DAG work whose trigger rule can no longer hold (§8.1). */
export const NODE_STATES = ['READY', 'RUNNING', 'SUSPENDED', 'BLOCKED', 'FINISHED', 'FAILED', 'REVOKED', 'SKIPPED'] as const;
export type NodeStateName = (typeof NODE_STATES)[number];

/** Why a DAG work was skipped by its trigger rule (§8.1): downstream rules count the first as failed. */
export const SKIP_REASONS = ['upstream_failed', 'trigger_rule'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Run states: PENDING waits for a concurrency slot; FAILED means a node failed and nothing moves until it is handled. */
export const RUN_STATES = ['PENDING', 'RUNNING', 'SUSPENDED', 'FAILED', 'FINISHED', 'REVOKED'] as const;
export type RunStateName = (typeof RUN_STATES)[number];
