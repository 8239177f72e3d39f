import { describe, expect, it } from 'vitest';
import { HIGH_TURNS_WHILE_LOW_WAITS, ResourcePool } from '../../src/adapters/llama/resource-pool.js';

/** Records which waiter got an item, in the order they got one. */
function served(): { readonly order: string[]; take: (name: string, acquiring: Promise<string>) => void } {
  const order: string[] = [];
  return { order, take: (name, acquiring) => void acquiring.then(() => order.push(name)) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a resource pool with priorities', () => {
  it('a released item goes to a waiting high-priority caller before low-priority callers that came earlier', async () => {
    const pool = new ResourcePool(['sequence']);
    const low = pool.withPriority('low');
    const item = await pool.acquire();
    const { order, take } = served();
    take('api 1', low.acquire());
    take('api 2', low.acquire());
    take('job', pool.acquire());
    pool.release(item);
    await settle();
    expect(order).toEqual(['job']);
    pool.release(item);
    await settle();
    pool.release(item);
    await settle();
    expect(order).toEqual(['job', 'api 1', 'api 2']);
  });

  it('a steady supply of high-priority callers cannot starve a low-priority one: it gets an item within a bounded number of releases', async () => {
    const pool = new ResourcePool(['sequence']);
    const item = await pool.acquire();
    const { order, take } = served();
    take('api', pool.withPriority('low').acquire());
    // A new high-priority caller always waits beside the low one, as a steady stream of replies would.
    for (let turn = 1; turn <= 3 * HIGH_TURNS_WHILE_LOW_WAITS && !order.includes('api'); turn++) {
      take(`job ${turn}`, pool.acquire());
      pool.release(item);
      await settle();
    }
    expect(order).toEqual([...Array.from({ length: HIGH_TURNS_WHILE_LOW_WAITS }, (_, i) => `job ${i + 1}`), 'api']);
  });

  it('after a low-priority caller is served, high-priority callers again go first for the next turns', async () => {
    const pool = new ResourcePool(['sequence']);
    const low = pool.withPriority('low');
    const item = await pool.acquire();
    const { order, take } = served();
    take('api 1', low.acquire());
    take('api 2', low.acquire());
    for (let turn = 1; turn <= 2 * HIGH_TURNS_WHILE_LOW_WAITS + 2; turn++) {
      take(`job ${turn}`, pool.acquire());
      pool.release(item);
      await settle();
    }
    const jobs = (from: number) => Array.from({ length: HIGH_TURNS_WHILE_LOW_WAITS }, (_, i) => `job ${from + i}`);
    expect(order).toEqual([...jobs(1), 'api 1', ...jobs(HIGH_TURNS_WHILE_LOW_WAITS + 1), 'api 2']);
  });

  it('a low-priority caller gets an item when no high-priority caller waits, in arrival order', async () => {
    const pool = new ResourcePool(['a', 'b']);
    const low = pool.withPriority('low');
    expect(await low.acquire()).toBeDefined();
    expect(pool.available).toBe(1);
    const second = await low.acquire();
    const { order, take } = served();
    take('first', low.acquire());
    take('second', low.acquire());
    low.release(second);
    await settle();
    expect(order).toEqual(['first']);
  });

  it('high-priority callers are served among themselves in arrival order', async () => {
    const pool = new ResourcePool(['sequence']);
    const item = await pool.acquire();
    const { order, take } = served();
    take('first', pool.acquire());
    take('second', pool.acquire());
    pool.release(item);
    await settle();
    pool.release(item);
    await settle();
    expect(order).toEqual(['first', 'second']);
  });

  it('a low-priority caller whose signal aborts leaves the queue: the item goes to the next one', async () => {
    const pool = new ResourcePool(['sequence']);
    const low = pool.withPriority('low');
    const item = await pool.acquire();
    const controller = new AbortController();
    const abandoned = low.acquire(controller.signal);
    const { order, take } = served();
    take('next', low.acquire());
    controller.abort(new Error('client left'));
    await expect(abandoned).rejects.toThrow('client left');
    pool.release(item);
    await settle();
    expect(order).toEqual(['next']);
  });

  it('both priorities share one set of items: one taken at low priority is missing at high', async () => {
    const pool = new ResourcePool(['sequence']);
    const item = await pool.withPriority('low').acquire();
    expect(pool.available).toBe(0);
    let got = false;
    void pool.acquire().then(() => (got = true));
    await settle();
    expect(got).toBe(false);
    pool.release(item);
    await settle();
    expect(got).toBe(true);
  });
});
