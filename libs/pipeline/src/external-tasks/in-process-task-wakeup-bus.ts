import { TaskWakeupBus, type TaskWakeup, type TaskWakeupListener } from './task-wakeup-bus.port';

/** Embedded mode: one process, so a wake-up goes straight to its listeners. */
export class InProcessTaskWakeupBus extends TaskWakeupBus {
  private readonly listeners = new Set<TaskWakeupListener>();

  publish(wakeup: TaskWakeup): Promise<void> {
    for (const listener of this.listeners) listener(wakeup);
    return Promise.resolve();
  }

  subscribe(listener: TaskWakeupListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
