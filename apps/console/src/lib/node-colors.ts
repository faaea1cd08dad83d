/**
 * Colours of node and run states (the run graph shows each node's state as a colour and as a
 * word, DESIGN §10). Pure.
 */

/** Fill, stroke and text colours of a shape. */
export interface StateColors {
  fill: string;
  stroke: string;
  text: string;
}

const NODE_COLORS: Record<string, StateColors> = {
  CREATED: { fill: '#f3f4f6', stroke: '#9ca3af', text: '#374151' },
  READY: { fill: '#dbeafe', stroke: '#2563eb', text: '#1e3a8a' },
  RUNNING: { fill: '#fef3c7', stroke: '#d97706', text: '#78350f' },
  SUSPENDED: { fill: '#ede9fe', stroke: '#7c3aed', text: '#4c1d95' },
  BLOCKED: { fill: '#ffedd5', stroke: '#ea580c', text: '#7c2d12' },
  FINISHED: { fill: '#dcfce7', stroke: '#16a34a', text: '#14532d' },
  FAILED: { fill: '#fee2e2', stroke: '#dc2626', text: '#7f1d1d' },
  REVOKED: { fill: '#e5e7eb', stroke: '#4b5563', text: '#1f2937' },
  SKIPPED: { fill: '#f1f5f9', stroke: '#64748b', text: '#334155' },
};

/** A node that has not run (absent from the run's node map), or a definition's node. */
export const NOT_RUN_COLORS: StateColors = { fill: '#ffffff', stroke: '#94a3b8', text: '#475569' };

/** Colours of a node state; undefined (never ran) and unknown states get the neutral ones. */
export function nodeStateColors(state: string | undefined): StateColors {
  return (state && NODE_COLORS[state]) || NOT_RUN_COLORS;
}

/** The word shown under or inside a node: its state, `not run` when absent, `SKIPPED` for a skipped one. */
export function nodeStateWord(state: string | undefined, skip = false): string {
  if (!state) return 'not run';
  return skip && state === 'FINISHED' ? 'SKIPPED' : state;
}

/** Colours of a run state badge (a PENDING run looks like a READY node). */
export function runStateColors(state: string): StateColors {
  return nodeStateColors(state === 'PENDING' ? 'READY' : state);
}

/** Final run states: nothing changes without an operation. */
export function isFinalRunState(state: string): boolean {
  return state === 'FINISHED' || state === 'REVOKED';
}
