import { Injectable } from '@nestjs/common';
import { CpuBoundService } from '../cpu-bound-service';
import { CpuTaskPool } from '../cpu-task-pool.service';
import { PipelineComponent } from '../pipeline-component.decorator';
import type { FieldFormat } from '../service';

/**
 * `digest`: `rounds` chained hashes of `data` (key stretching, checksums of big payloads).
 * CPU-bound, so it runs on the worker-thread pool (see `CpuBoundService`); also the example to
 * copy for your own CPU-bound components.
 */
@PipelineComponent({
  code: 'digest',
  name: 'Digest',
  description: 'Hashes `data` `rounds` times (sha256 by default) on a worker thread; outputs `digest`.',
})
@Injectable()
export class DigestComponent extends CpuBoundService {
  protected readonly workerFile = require.resolve('./digest.worker');

  constructor(cpu: CpuTaskPool) {
    super(cpu);
  }

  override inputsFormat(): FieldFormat[] {
    return [
      { key: 'data', type: 'any', required: true, description: 'What to hash (a string, or any JSON value, serialized).' },
      { key: 'algorithm', type: 'string', description: 'sha256 (default), sha512, sha1 or md5.' },
      { key: 'rounds', type: 'number', description: 'Chained hashes, 1 (default) to 10,000,000.' },
    ];
  }

  override outputsFormat(): FieldFormat[] {
    return [
      { key: 'digest', type: 'string', description: 'The hex digest after the last round.' },
      { key: 'threadId', type: 'number', description: 'The worker thread that computed it (not the main thread, 0).' },
    ];
  }
}
