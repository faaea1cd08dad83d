/** A run or node state as a coloured word. */
import { runStateColors } from '../lib/node-colors';

export function StateBadge({ state }: { state: string }) {
  const c = runStateColors(state);
  return (
    <span class="badge" data-state={state} style={{ background: c.fill, borderColor: c.stroke, color: c.text }}>
      {state}
    </span>
  );
}
