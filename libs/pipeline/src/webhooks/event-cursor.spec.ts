import { EventCursorGaps } from './event-cursor';

describe('EventCursorGaps', () => {
  it('moves over consecutive ids', () => {
    const gaps = new EventCursorGaps(1_000);
    expect(gaps.advance(10, [11, 12, 13], 0)).toBe(13);
    expect(gaps.advance(13, [], 0)).toBe(13);
  });

  it('stops before a hole until the hole is older than the grace', () => {
    const gaps = new EventCursorGaps(1_000);
    // 12 is in an uncommitted transaction (or was rolled back)
    expect(gaps.advance(10, [11, 13, 14], 0)).toBe(11);
    expect(gaps.pending()).toEqual([12]);
    expect(gaps.advance(11, [13, 14], 999)).toBe(11);
    expect(gaps.advance(11, [13, 14], 1_000)).toBe(14);
    expect(gaps.pending()).toEqual([]);
  });

  it('forgets a hole that filled in (a late commit)', () => {
    const gaps = new EventCursorGaps(1_000);
    expect(gaps.advance(10, [11, 13], 0)).toBe(11);
    expect(gaps.advance(11, [12, 13], 10)).toBe(13);
    expect(gaps.pending()).toEqual([]);
  });

  it('handles a hole of several ids as one, and a second hole behind it on its own', () => {
    const gaps = new EventCursorGaps(100);
    expect(gaps.advance(0, [4, 5, 8], 0)).toBe(0);
    expect(gaps.advance(0, [4, 5, 8], 100)).toBe(5);
    expect(gaps.pending()).toEqual([6]);
    expect(gaps.advance(5, [8], 150)).toBe(5);
    expect(gaps.advance(5, [8], 200)).toBe(8);
  });

  it('waits at the hole when the cursor starts right behind it', () => {
    const gaps = new EventCursorGaps(100);
    expect(gaps.advance(0, [2], 0)).toBe(0);
    expect(gaps.advance(0, [2, 3], 50)).toBe(0);
    expect(gaps.advance(0, [2, 3], 100)).toBe(3);
  });
});
