import { createHash } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import type { CpuTaskInput } from '../cpu-bound-service';

const ALGORITHMS = new Set(['sha256', 'sha512', 'sha1', 'md5']);
const MAX_ROUNDS = 10_000_000;

/** `digest`'s work, on a pool thread: `rounds` chained hashes of `data`. */
export default function digest({ inputs }: CpuTaskInput): Record<string, unknown> {
  const algorithm = inputs.algorithm ?? 'sha256';
  if (typeof algorithm !== 'string' || !ALGORITHMS.has(algorithm)) {
    throw new Error(`algorithm must be one of ${[...ALGORITHMS].join(', ')}`);
  }
  const rounds = inputs.rounds ?? 1;
  if (typeof rounds !== 'number' || !Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new Error(`rounds must be an integer from 1 to ${MAX_ROUNDS}`);
  }
  let value = typeof inputs.data === 'string' ? inputs.data : JSON.stringify(inputs.data ?? null);
  for (let i = 0; i < rounds; i++) value = createHash(algorithm).update(value).digest('hex');
  return { digest: value, algorithm, rounds, threadId };
}
