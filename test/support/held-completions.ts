import { LlamaChat, type ChatHistoryItem } from 'node-llama-cpp';
import { vi } from 'vitest';
import { ResourcePool } from '../../src/adapters/llama/resource-pool.js';

/**
 * The real llama.cpp completions of a test, watched by the text each labels (the first of
 * `labels` found in its prompt): `events` gets `start:<label>` once a completion has its sequence,
 * and `end:<label>` when it ends. A label that is held waits on its sequence, which it keeps, until
 * released, and only then runs. Call `restore` when done.
 */
export interface HeldCompletions {
  readonly events: string[];
  /** Completions that found no sequence free and are waiting for one (ResourcePool.acquire). */
  readonly waitingForSequence: () => number;
  release(label: string): void;
  restore(): void;
}

export function holdCompletions(labels: readonly string[], held: readonly string[]): HeldCompletions {
  const events: string[] = [];
  const releases = new Map<string, () => void>();
  const gates = new Map(held.map((label) => [label, new Promise<void>((resolve) => releases.set(label, resolve))]));
  const labelOf = (history: ChatHistoryItem[]) => {
    const prompt = history.map((item) => (item.type === 'model' ? '' : item.text)).join('\n');
    return labels.find((label) => prompt.includes(label)) ?? 'other';
  };
  const complete = LlamaChat.prototype.generateResponse;
  vi.spyOn(LlamaChat.prototype, 'generateResponse').mockImplementation(async function (this: LlamaChat, ...args) {
    const label = labelOf(args[0]);
    events.push(`start:${label}`);
    await gates.get(label);
    try {
      return await complete.apply(this, args);
    } finally {
      events.push(`end:${label}`);
    }
  });
  let waiting = 0;
  const acquire = ResourcePool.prototype.acquire;
  vi.spyOn(ResourcePool.prototype, 'acquire').mockImplementation(function <T>(this: ResourcePool<T>, signal?: AbortSignal) {
    if (this.available > 0) return acquire.call(this, signal) as Promise<T>;
    waiting++;
    return (acquire.call(this, signal) as Promise<T>).finally(() => waiting--);
  });
  return {
    events,
    waitingForSequence: () => waiting,
    release(label) {
      events.push(`release:${label}`);
      releases.get(label)?.();
    },
    restore() {
      for (const release of releases.values()) release();
      vi.restoreAllMocks();
    },
  };
}
