import { decodeNodeTimerMember, encodeNodeTimerMember } from './node-timer-member';

describe('node timer members', () => {
  it('encodes run, node, version and index, bamboo-style, after the prefix', () => {
    expect(
      encodeNodeTimerMember('bamboo:v1:node_timer_event:', {
        runId: 'r1',
        nodeId: 'n1',
        version: 3,
        index: 1,
      }),
    ).toBe('bamboo:v1:node_timer_event:run:r1:node:n1:version:3:index:1');
  });

  it('round-trips ids holding separators, percent signs and non-ASCII text', () => {
    for (const ref of [
      { runId: 'a:b', nodeId: 'node:version:1', version: 0, index: 12 },
      { runId: '100%', nodeId: 'ü/ß 空白', version: 99, index: 1 },
    ]) {
      expect(decodeNodeTimerMember('p:', encodeNodeTimerMember('p:', ref))).toEqual(ref);
      expect(decodeNodeTimerMember('', encodeNodeTimerMember('', ref))).toEqual(ref);
    }
  });

  it('answers null for a foreign prefix or malformed text', () => {
    const member = encodeNodeTimerMember('a:', { runId: 'r', nodeId: 'n', version: 1, index: 1 });
    expect(decodeNodeTimerMember('b:', member)).toBeNull();
    for (const bad of [
      '',
      'run:r:node:n',
      'run:r:node:n:version:x:index:1',
      'run:%E0:node:n:version:1:index:1',
      'run:r:node:n:version:1:index:1:extra',
    ]) {
      expect(decodeNodeTimerMember('', bad)).toBeNull();
    }
  });
});
