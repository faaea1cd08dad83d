import { eventMatches, isFinalFailure } from './webhook-matching';

describe('eventMatches', () => {
  it('matches "*" to every event', () => {
    expect(eventMatches(['*'], 'node_enter')).toBe(true);
    expect(eventMatches(['*'], 'pipeline_finish')).toBe(true);
  });

  it('matches "prefix*" to the types starting with prefix', () => {
    expect(eventMatches(['node_*'], 'node_enter')).toBe(true);
    expect(eventMatches(['node_*'], 'node_execute_fail')).toBe(true);
    expect(eventMatches(['node_*'], 'pre_retry_node')).toBe(false);
    expect(eventMatches(['pre_*'], 'pre_retry_node')).toBe(true);
  });

  it('matches an exact type only to itself', () => {
    expect(eventMatches(['pipeline_finish'], 'pipeline_finish')).toBe(true);
    expect(eventMatches(['pipeline_finish'], 'pipeline_finished')).toBe(false);
    expect(eventMatches(['node_enter'], 'node_ente')).toBe(false);
  });

  it('matches when any pattern does; none for an empty list', () => {
    expect(eventMatches(['node_enter', 'pipeline_*'], 'pipeline_timeout')).toBe(true);
    expect(eventMatches([], 'node_enter')).toBe(false);
  });
});

describe('isFinalFailure', () => {
  it('counts a node_*_fail that is not retried, and a forced fail', () => {
    expect(isFinalFailure('node_execute_fail', { ex_data: 'x' })).toBe(true);
    expect(isFinalFailure('node_schedule_fail', {})).toBe(true);
    expect(isFinalFailure('post_forced_fail_activity', { ex_data: 'forced' })).toBe(true);
  });

  it('does not count an attempt retried automatically, nor other events', () => {
    expect(isFinalFailure('node_execute_fail', { retrying: true })).toBe(false);
    expect(isFinalFailure('node_execute_exception', {})).toBe(false);
    expect(isFinalFailure('pre_forced_fail_activity', {})).toBe(false);
    expect(isFinalFailure('node_timeout', {})).toBe(false);
  });
});
