import { describe, expect, it } from 'vitest';
import { SerialByKey } from '../../src/serial-by-key.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('SerialByKey', () => {
  it('a later task under the same key waits for the earlier one, even when the earlier one is slower', async () => {
    const serial = new SerialByKey();
    const order: string[] = [];
    const slow = deferred();
    const first = serial.run('c1:a', async () => {
      order.push('first started');
      await slow.promise;
      order.push('first finished');
    });
    const second = serial.run('c1:a', async () => {
      order.push('second started');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['first started']);
    slow.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first started', 'first finished', 'second started']);
  });

  it('tasks under different keys do not wait for each other', async () => {
    const serial = new SerialByKey();
    const blocked = deferred();
    const stuck = serial.run('c1:a', () => blocked.promise);
    await expect(serial.run('c1:b', async () => 'answered')).resolves.toBe('answered');
    blocked.resolve();
    await stuck;
  });

  it('a failed task passes its error to its caller and does not stop the next one', async () => {
    const serial = new SerialByKey();
    const failed = serial.run('c1:a', async () => {
      throw new Error('redis down');
    });
    const next = serial.run('c1:a', async () => 'next ran');
    await expect(failed).rejects.toThrow('redis down');
    await expect(next).resolves.toBe('next ran');
  });

  it('forgets a key once its tasks have settled', async () => {
    const serial = new SerialByKey();
    await Promise.all([serial.run('c1:a', async () => 1), serial.run('c2:a', async () => 2)]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(serial.busyKeys).toBe(0);
  });
  it('drain settles only once every task, including one queued behind another, has settled', async () => {
    const serial = new SerialByKey();
    const slow = deferred();
    const finished: string[] = [];
    void serial.run('c1:a', async () => {
      await slow.promise;
      finished.push('first');
    });
    void serial.run('c1:a', async () => {
      finished.push('second');
    });
    void serial.run('c2:b', async () => {
      throw new Error('a failed task still counts as settled');
    }).catch(() => undefined);
    let drained = false;
    const draining = serial.drain().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    slow.resolve();
    await draining;
    expect(finished).toEqual(['first', 'second']);
    expect(serial.busyKeys).toBe(0);
  });
});
