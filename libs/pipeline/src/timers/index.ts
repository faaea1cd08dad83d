/** The executing pool of the timer contrib modules (DESIGN §7): port, adapters, errors. */
export * from './executing-pool.port';
export * from './invalid-pool-entry.error';
export { InProcessExecutingPool } from './in-process-executing-pool';
export { RedisExecutingPool, type RedisExecutingPoolOptions } from './redis-executing-pool';
