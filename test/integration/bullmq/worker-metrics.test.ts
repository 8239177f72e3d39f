import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { REPLY_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.js';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { loadConfig } from '../../../src/config.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { startHttp } from '../../../src/http/start-http.js';
import { createJobWorker, type JobHandler } from '../../../src/worker/job-worker.js';
import { buildAnalysisJob } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The sum of a scrape's samples whose line starts with `prefix` (a name, or a name and its first labels). */
function sample(scrape: string, prefix: string): number {
  return scrape.split('\n').filter((row) => row.startsWith(prefix)).reduce((sum, row) => sum + Number(row.split(' ').at(-1)), 0);
}

function startJobWorker(prefix: string, handlers: Record<string, JobHandler>, metrics: PrometheusMetrics) {
  const worker = createJobWorker(redis.connection.duplicate(), prefix, handlers, { concurrency: 1, lockDurationMs: 5_000, logger: createLogger('silent', 'test'), metrics });
  cleanups.push(() => worker.stop(1_000));
  return worker;
}

describe("BullMQ's counters on /metrics (METRICS_PORT)", () => {
  it('count the jobs the workers completed and failed, as their names say', async () => {
    const prefix = `{metrics-${randomUUID().slice(0, 8)}}`;
    const producer = new MessageQueue(redis.connection, prefix);
    cleanups.push(() => producer.close());
    startJobWorker(prefix, {
      analysis: async (data) => {
        if ((data as { text: string }).text === 'fail') throw new FeelbotError(ErrorCodes.JobInvalid, 'bad', { permanent: true });
        return { status: 'answered' };
      },
    }, new PrometheusMetrics());
    const bad = await producer.enqueueAnalysis(buildAnalysisJob({ text: 'fail' }));
    await producer.enqueueAnalysis(buildAnalysisJob({ text: 'fine' }));
    await producer.enqueueAnalysis(buildAnalysisJob({ text: 'fine too' }));
    const unfinished = async () => Object.values(await producer.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed')).reduce((sum, count) => sum + count, 0);
    await expect.poll(async () => [await (await producer.queue.getJob(bad))?.getState(), await unfinished()], { timeout: 10_000 }).toEqual(['failed', 0]);

    // As serve-process-metrics wires it: a producer connection of its own, the shared queue.
    const config = loadConfig({ REDIS_URL: redis.server.url, QUEUE_PREFIX: prefix, HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const scrapeRedis = createRedis(redis.server.url, 'producer', 'feelbot-metrics');
    const queue = new MessageQueue(scrapeRedis, prefix);
    const app = await startHttp({ config, logger: createLogger('silent', 'test'), metrics: new PrometheusMetrics(), redis: scrapeRedis, queue: queue.queue, port: 0 });
    cleanups.push(async () => {
      await app.close();
      await queue.close();
      scrapeRedis.disconnect();
    });
    await expect.poll(() => scrapeRedis.status).toBe('ready');
    const scrape = await (await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/metrics`)).text();
    expect({ completed: sample(scrape, 'bullmq_job_completed_total{'), failed: sample(scrape, 'bullmq_job_failed_total{') }).toEqual({ completed: 2, failed: 1 });
  }, 30_000);
});

describe('feelbot_failures_total and feelbot_job_duration_seconds across retries', () => {
  async function runReply(results: Array<'502' | 'posted'>, attempts: number) {
    const prefix = `{retry-${randomUUID().slice(0, 8)}}`;
    const queue = new Queue(REPLY_QUEUE, { connection: redis.connection, prefix });
    cleanups.push(() => queue.close());
    const metrics = new PrometheusMetrics();
    const remaining = [...results];
    startJobWorker(prefix, {
      reply: async () => {
        if (remaining.shift() === '502') throw new FeelbotError(ErrorCodes.DiscordRequestFailed, 'Discord refused the reply: HTTP 502.', { permanent: false });
        return { status: 'posted' };
      },
    }, metrics);
    const job = await queue.add('reply', { n: 1 }, { attempts, backoff: { type: 'fixed', delay: 50 } });
    await expect.poll(async () => (await queue.getJob(job.id!))?.getState(), { timeout: 10_000 }).toMatch(/^(completed|failed)$/);
    const scrape = await metrics.registry.metrics();
    return {
      failures: sample(scrape, 'feelbot_failures_total{'),
      retries: sample(scrape, 'feelbot_job_retries_total{code="DISCORD_REQUEST_FAILED"}'),
      failedRuns: sample(scrape, 'feelbot_job_duration_seconds_count{outcome="failed"}'),
      retriedRuns: sample(scrape, 'feelbot_job_duration_seconds_count{outcome="retried"}'),
      postedRuns: sample(scrape, 'feelbot_job_duration_seconds_count{outcome="posted"}'),
    };
  }

  it('a job posted on its third run (Discord answered 502 twice) counts two retries and no failure', async () => {
    expect(await runReply(['502', '502', 'posted'], 4)).toEqual({ failures: 0, retries: 2, failedRuns: 0, retriedRuns: 2, postedRuns: 1 });
  }, 20_000);

  it('a job that fails every run counts one failure, when it is given up', async () => {
    expect(await runReply(['502', '502', '502'], 3)).toEqual({ failures: 1, retries: 2, failedRuns: 1, retriedRuns: 2, postedRuns: 0 });
  }, 20_000);
});
