import type { RunEvent } from '../api/api-types';
import { appendEvents, nextAfterSeq } from './run-events';

const ev = (seq: number): RunEvent => ({ id: 100 + seq, seq, eventType: 'node_enter', nodeId: 'a', data: {}, time: '2026-12-05T10:00:00Z' });

describe('run events paging', () => {
  it('appends only events after the last one known, in seq order', () => {
    const known = [ev(1), ev(2)];
    expect(appendEvents(known, [ev(4), ev(2), ev(3)]).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(appendEvents(known, [ev(1)])).toBe(known);
    expect(appendEvents([], [ev(2), ev(1)]).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('pages on from the last seq read', () => {
    expect(nextAfterSeq([])).toBe(0);
    expect(nextAfterSeq([ev(1), ev(7)])).toBe(7);
  });
});
