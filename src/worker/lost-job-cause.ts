import type { Redis } from 'ioredis';
import { readRedisData } from '../adapters/redis/redis-data-sentinel.js';
import { withinMs } from '../time-limit.js';

/** How long a run that lost its job asks Redis why before it says only that it lost it; Redis may be down again. */
const CAUSE_DEADLINE_MS = 5_000;

/**
 * Why a run lost its job's lock: `taken` (the job is still in Redis: another worker holds it, or
 * will); `gone` (it left Redis while the lock had lapsed: another worker finished it and its
 * retention ended, or the gateway removed it for a deleted message or a server that removed the bot,
 * or a failover to a replica lost it); `data-lost` (it left with the rest of Redis's data: the
 * data sentinel the run started on is gone or written anew); `unknown` when Redis did not say.
 * An active job is never removed while its lock is held (BullMQ's removeJob refuses a locked job).
 */
export type LostJobCause = 'taken' | 'gone' | 'data-lost' | 'unknown';

export interface LostJobProbe {
  /** Asked as a run starts, answered before the run's own commands: the data the run starts on. */
  dataMark(): Promise<string | undefined>;
  cause(jobId: string | undefined, markAtStart: string | undefined): Promise<LostJobCause>;
}

/** For runs of the queue whose job keys `jobKey` names, under `prefix`'s data sentinel. */
export function lostJobProbe(redis: Redis, prefix: string, jobKey: (jobId: string) => string): LostJobProbe {
  return {
    dataMark: () => readRedisData(redis, prefix),
    async cause(jobId, markAtStart) {
      if (jobId === undefined) return 'unknown';
      const asking = async (): Promise<LostJobCause> => {
        if ((await redis.exists(jobKey(jobId))) === 1) return 'taken';
        const markNow = await readRedisData(redis, prefix);
        return markAtStart !== undefined && markNow !== markAtStart ? 'data-lost' : 'gone';
      };
      return withinMs(asking(), CAUSE_DEADLINE_MS).catch(() => 'unknown' as const);
    },
  };
}
