import {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  readNodeTimerEventSettings,
} from './node-timer-event.settings';

describe('readNodeTimerEventSettings', () => {
  it("keeps bamboo's defaults when nothing is set (empty counts as unset)", () => {
    expect(
      readNodeTimerEventSettings({ PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE: '  ', OTHER: 'x' }),
    ).toEqual(DEFAULT_NODE_TIMER_EVENT_SETTINGS);
    expect(DEFAULT_NODE_TIMER_EVENT_SETTINGS).toMatchObject({
      PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: 'bamboo:v1:node_timer_event',
      PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: 'bamboo:v1:node_timer_event:executing_node_pool',
      PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: 1,
      PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: 15 * 24 * 3600,
    });
  });

  it('reads every setting, fractions of a second included', () => {
    expect(
      readNodeTimerEventSettings({
        PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: 'p',
        PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE: 'h.q',
        PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE: 'd-q',
        PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: 'p:pool',
        PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: ' 0.05 ',
        PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: '3600',
      }),
    ).toEqual({
      PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: 'p',
      PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE: 'h.q',
      PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE: 'd-q',
      PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: 'p:pool',
      PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: 0.05,
      PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: 3600,
    });
  });

  it('names every bad setting at once', () => {
    expect(() =>
      readNodeTimerEventSettings({
        PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE: 'a:b',
        PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: 'soon',
        PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: '1.5',
      }),
    ).toThrow(
      /HANDLE_QUEUE may hold letters, digits.*POOL_SCAN_INTERVAL must be a number.*MAX_EXPIRE_TIME must be a whole number/,
    );
    expect(() =>
      readNodeTimerEventSettings({ PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0' }),
    ).toThrow(/at least 0.001/);
  });
});
