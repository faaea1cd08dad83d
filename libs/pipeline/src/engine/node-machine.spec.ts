import { NODE_EVENTS, NODE_TRANSITIONS, transit, type NodeEvent } from './node-machine';
import { NODE_STATES, type NodeStateName } from './states';

type From = NodeStateName | undefined;

/**
 * The whole (state, event) table, written out: every pair is listed, so adding a state or an
 * event without deciding its row fails this spec.
 */
const EXPECTED: Record<NodeEvent, Record<string, NodeStateName | null>> = {
  enter: { NONE: 'RUNNING', READY: 'RUNNING', RUNNING: null, SUSPENDED: 'RUNNING', BLOCKED: null, FINISHED: 'RUNNING', FAILED: null, REVOKED: null, SKIPPED: null },
  finish: { NONE: null, READY: null, RUNNING: 'FINISHED', SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  fail: { NONE: null, READY: null, RUNNING: 'FAILED', SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  ignore_error: { NONE: null, READY: null, RUNNING: 'FINISHED', SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  auto_retry: { NONE: null, READY: null, RUNNING: 'RUNNING', SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  suspend: { NONE: 'SUSPENDED', READY: 'SUSPENDED', RUNNING: 'SUSPENDED', SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  resume: { NONE: null, READY: null, RUNNING: null, SUSPENDED: 'READY', BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  retry: { NONE: null, READY: null, RUNNING: null, SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: 'RUNNING', REVOKED: null, SKIPPED: null },
  skip: { NONE: null, READY: null, RUNNING: null, SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: 'FINISHED', REVOKED: null, SKIPPED: null },
  forced_fail: { NONE: null, READY: null, RUNNING: 'FAILED', SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  revoke: { NONE: null, READY: 'REVOKED', RUNNING: 'REVOKED', SUSPENDED: 'REVOKED', BLOCKED: 'REVOKED', FINISHED: null, FAILED: 'REVOKED', REVOKED: null, SKIPPED: null },
  reset: { NONE: null, READY: null, RUNNING: null, SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: 'READY', REVOKED: null, SKIPPED: null },
  reopen: { NONE: null, READY: null, RUNNING: null, SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: 'READY' },
  trigger: { NONE: 'READY', READY: null, RUNNING: null, SUSPENDED: null, BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
  rule_skip: { NONE: 'SKIPPED', READY: 'SKIPPED', RUNNING: null, SUSPENDED: 'SKIPPED', BLOCKED: null, FINISHED: null, FAILED: null, REVOKED: null, SKIPPED: null },
};

const FROM: From[] = [undefined, ...NODE_STATES];
const RENEWING = new Set<NodeEvent>(['enter', 'auto_retry', 'retry', 'skip', 'forced_fail', 'reset', 'reopen']);

describe('node transition table', () => {
  it('lists every event and every state', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...NODE_EVENTS].sort());
    for (const e of NODE_EVENTS) expect(Object.keys(EXPECTED[e]).sort()).toEqual(['NONE', ...NODE_STATES].sort());
  });

  const cases = NODE_EVENTS.flatMap((event) => FROM.map((from) => [from ?? 'NONE', event, EXPECTED[event][from ?? 'NONE']] as const));
  it.each(cases)('%s --%s--> %s', (fromName, event, to) => {
    const from = fromName === 'NONE' ? undefined : (fromName as NodeStateName);
    const t = transit(from, event);
    if (to === null) {
      expect(t.ok).toBe(false);
      if (!t.ok) expect(t.reason).toContain(event);
    } else {
      expect(t).toEqual({ ok: true, to, renewVersion: RENEWING.has(event) });
    }
  });

  it('never contradicts bamboo transition rules', () => {
    for (const event of NODE_EVENTS) {
      for (const from of NODE_STATES) {
        const t = transit(from, event);
        if (t.ok && t.to !== from) expect(NODE_TRANSITIONS[from]).toContain(t.to);
      }
    }
  });

  it('keeps REVOKED final', () => {
    for (const event of NODE_EVENTS) expect(transit('REVOKED', event).ok).toBe(false);
    expect(NODE_TRANSITIONS.REVOKED).toEqual([]);
  });
});
