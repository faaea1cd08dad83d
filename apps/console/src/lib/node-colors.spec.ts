import { isFinalRunState, nodeStateColors, nodeStateWord, NOT_RUN_COLORS, runStateColors } from './node-colors';

describe('node state colours', () => {
  it('gives each state its own colours', () => {
    const states = ['READY', 'RUNNING', 'SUSPENDED', 'BLOCKED', 'FINISHED', 'FAILED', 'REVOKED', 'SKIPPED'];
    const fills = new Set(states.map((s) => nodeStateColors(s).fill));
    expect(fills.size).toBe(states.length);
    expect(nodeStateColors('FAILED')).toEqual({ fill: '#fee2e2', stroke: '#dc2626', text: '#7f1d1d' });
    expect(nodeStateColors('FINISHED').stroke).toBe('#16a34a');
  });

  it('draws a node that has not run (or an unknown state) neutral', () => {
    expect(nodeStateColors(undefined)).toBe(NOT_RUN_COLORS);
    expect(nodeStateColors('WHATEVER')).toBe(NOT_RUN_COLORS);
  });

  it('shows the state as a word too', () => {
    expect(nodeStateWord('RUNNING')).toBe('RUNNING');
    expect(nodeStateWord(undefined)).toBe('not run');
    expect(nodeStateWord('FINISHED', true)).toBe('SKIPPED');
  });

  it('colours runs like nodes, PENDING like READY', () => {
    expect(runStateColors('PENDING')).toEqual(nodeStateColors('READY'));
    expect(runStateColors('FAILED')).toEqual(nodeStateColors('FAILED'));
    expect(isFinalRunState('FINISHED')).toBe(true);
    expect(isFinalRunState('FAILED')).toBe(false);
  });
});
