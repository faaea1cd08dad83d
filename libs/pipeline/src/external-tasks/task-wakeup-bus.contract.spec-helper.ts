import type { TaskWakeup } from './task-wakeup-bus.port';
import { TaskWakeupBus } from './task-wakeup-bus.port';

/**
 * What every `TaskWakeupBus` adapter must do (run against each of them): a wake-up reaches every
 * subscriber, of any bus on the same channel, with its topics and time; an unsubscribed listener
 * hears nothing more; publishing with nobody listening is harmless.
 */
export function taskWakeupBusContract(open: () => Promise<[TaskWakeupBus, TaskWakeupBus]>): void {
  const buses: TaskWakeupBus[] = [];
  const pair = async () => {
    const [a, b] = await open();
    buses.push(a, b);
    return [a, b] as const;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  const next = (bus: TaskWakeupBus) =>
    new Promise<TaskWakeup>((resolve) => {
      const off = bus.subscribe((w) => {
        off();
        resolve(w);
      });
    });

  it('carries a wake-up to every subscriber, whichever bus published it', async () => {
    const [a, b] = await pair();
    const heardA = next(a);
    const heardB = next(b);
    await settle(b);
    await a.publish({ topics: ['submit', 'test'] });
    expect(await heardA).toEqual({ topics: ['submit', 'test'] });
    expect(await heardB).toEqual({ topics: ['submit', 'test'] });
  });

  it('carries the time a task becomes available', async () => {
    const [a, b] = await pair();
    const heard = next(b);
    await settle(b);
    await a.publish({ topics: ['later'], at: 1_900_000_000_000 });
    expect(await heard).toEqual({ topics: ['later'], at: 1_900_000_000_000 });
  });

  it('stops telling a listener that unsubscribed, and publishes harmlessly to nobody', async () => {
    const [a, b] = await pair();
    const seen: TaskWakeup[] = [];
    const off = b.subscribe((w) => seen.push(w));
    await settle(b);
    off();
    // Another listener hears both wake-ups; the one that left hears neither.
    const heard: string[] = [];
    const both = new Promise<void>((resolve) => b.subscribe((w) => heard.push(...w.topics) >= 2 && resolve()));
    await settle(b);
    await a.publish({ topics: ['x'] });
    await a.publish({ topics: ['y'] });
    await both;
    expect(heard).toEqual(['x', 'y']);
    expect(seen).toEqual([]);
  });
}

/** Lets a fresh subscription reach its server (Redis SUBSCRIBE is asynchronous). */
async function settle(bus: TaskWakeupBus): Promise<void> {
  const ready = (bus as { ready?: () => Promise<void> }).ready;
  if (ready) await ready.call(bus);
}
