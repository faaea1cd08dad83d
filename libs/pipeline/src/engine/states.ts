/** Node states (DESIGN §4, bamboo's table). */
export const NODE_STATES = ['READY', 'RUNNING', 'SUSPENDED', 'BLOCKED', 'FINISHED', 'FAILED', 'REVOKED'] as const;
export type NodeStateName = (typeof NODE_STATES)[number];

/** Run states: PENDING waits for a concurrency slot; FAILED means a node failed and nothing moves until it is handled. */
export const RUN_STATES = ['PENDING', 'RUNNING', 'SUSPENDED', 'FAILED', 'FINISHED', 'REVOKED'] as const;
export type RunStateName = (typeof RUN_STATES)[number];
