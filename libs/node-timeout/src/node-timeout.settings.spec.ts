import { DEFAULT_NODE_TIMEOUT_SETTINGS, readNodeTimeoutSettings } from './node-timeout.settings';

describe('readNodeTimeoutSettings', () => {
  it('keeps the defaults when nothing is set', () => {
    expect(readNodeTimeoutSettings({ UNRELATED: '1' })).toEqual(DEFAULT_NODE_TIMEOUT_SETTINGS);
    expect(DEFAULT_NODE_TIMEOUT_SETTINGS.PIPELINE_NODE_TIMEOUT_EXECUTING_POOL).toBe(
      'executing_node_pool',
    );
  });

  it('reads every setting', () => {
    expect(
      readNodeTimeoutSettings({
        PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE: 'th',
        PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE: 'td',
        PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: 'app:timeouts',
      }),
    ).toEqual({
      PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE: 'th',
      PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE: 'td',
      PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: 'app:timeouts',
    });
  });

  it('refuses queue names BullMQ cannot use', () => {
    expect(() => readNodeTimeoutSettings({ PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE: 'a:b' })).toThrow(
      /Invalid node-timeout settings: PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE may hold/,
    );
  });
});
