import type { ExternalTask } from '../api/api-types';
import { formatWait, summarizeQueues } from './queue-summary';

const NOW = Date.parse('2026-12-05T10:00:00Z');
const task = (topic: string, state: ExternalTask['state'], availableAt = '2026-12-05T09:59:00Z'): ExternalTask => ({
  id: `${topic}-${state}-${availableAt}`,
  topic,
  runId: 'r',
  nodeId: 'n',
  nodeVersion: 1,
  state,
  attempt: 1,
  workerId: state === 'locked' ? 'w1' : null,
  lockExpiresAt: null,
  availableAt,
  error: null,
  createdAt: availableAt,
});

describe('summarizeQueues', () => {
  it('counts waiting and locked tasks per topic with the oldest due wait', () => {
    const queues = summarizeQueues(
      [
        task('submit', 'available', '2026-12-05T09:58:00Z'),
        task('submit', 'available', '2026-12-05T09:59:30Z'),
        task('submit', 'available', '2026-12-05T10:05:00Z'), // delayed: not waiting yet
        task('submit', 'locked'),
        task('build', 'completing'),
        task('build', 'completed'),
      ],
      NOW,
    );
    expect(queues).toEqual([
      { topic: 'build', waiting: 0, locked: 1, oldestWaitSeconds: null },
      { topic: 'submit', waiting: 3, locked: 1, oldestWaitSeconds: 120 },
    ]);
  });

  it('answers nothing for no tasks', () => {
    expect(summarizeQueues([], NOW)).toEqual([]);
  });
});

describe('formatWait', () => {
  it('reads as seconds, minutes or hours', () => {
    expect(formatWait(null)).toBe('—');
    expect(formatWait(42)).toBe('42 s');
    expect(formatWait(180)).toBe('3 min');
    expect(formatWait(7500)).toBe('2 h 5 min');
  });
});
