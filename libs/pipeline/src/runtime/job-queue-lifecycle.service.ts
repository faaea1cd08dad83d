import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { JobQueue } from '../ports/job-queue.port';

/** Closes the queue (and its Redis connections) when the app stops, whatever the process's role. */
@Injectable()
export class JobQueueLifecycle implements OnApplicationShutdown {
  constructor(private readonly queue: JobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
