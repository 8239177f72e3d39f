import type { Redis } from 'ioredis';
import { parsedJobData } from './stored-job-data.js';

/** Writes the new data only over the data it was computed from: an edit's or another deletion's rewrite in between is never lost. */
const SWAP_DATA = `
if redis.call('HGET', KEYS[1], 'data') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2])
return 1
`;

/** A job's data changes only on an edit or a deletion in its channel: a few tries outlast any run of those. */
const MAX_TRIES = 5;

/**
 * Rewrites a stored job's data with `change`, in any state (a worker keeps the copy it read and
 * never writes it back; its next attempt reads the new one). `change` returns undefined when there
 * is nothing to change. False when there was not: the job is gone, its data is not JSON, or it kept
 * changing under every try.
 */
export async function rewriteJobData(connection: Redis, jobKey: string, change: (data: unknown) => unknown | Promise<unknown>): Promise<boolean> {
  for (let tries = 0; tries < MAX_TRIES; tries += 1) {
    const raw = await connection.hget(jobKey, 'data');
    if (raw === null) return false;
    const next = await change(parsedJobData(raw));
    if (next === undefined) return false;
    if ((await connection.eval(SWAP_DATA, 1, jobKey, raw, JSON.stringify(next))) === 1) return true;
  }
  return false;
}
