import { randomBytes } from 'node:crypto';
import { describeWithRedis } from '../../../../test/utils/services';
import { InProcessTaskWakeupBus } from './in-process-task-wakeup-bus';
import { RedisTaskWakeupBus } from './redis-task-wakeup-bus';
import { taskWakeupBusContract } from './task-wakeup-bus.contract.spec-helper';

describe('InProcessTaskWakeupBus', () => {
  // One process: the two ends are the same bus.
  taskWakeupBusContract(() => {
    const bus = new InProcessTaskWakeupBus();
    return Promise.resolve([bus, bus]);
  });
});

describeWithRedis('RedisTaskWakeupBus (Redis)', (redisUrl) => {
  jest.setTimeout(20_000);
  // Two buses on one channel, as two api processes: a prefix per test keeps runs apart.
  taskWakeupBusContract(() => {
    const prefix = `pipeline_test_${randomBytes(5).toString('hex')}`;
    return Promise.resolve([new RedisTaskWakeupBus({ redisUrl, prefix }), new RedisTaskWakeupBus({ redisUrl, prefix })]);
  });
});
