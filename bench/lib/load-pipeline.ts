import { randomUUID } from 'node:crypto';
import { ChannelType } from 'discord-api-types/v10';
import { RATE_LIMITS } from '../../src/adapters/redis/redis-rate-limiter.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { startFakeDiscord } from '../../test/fakes/fake-discord/index.js';
import { FeelbotProcess, type LogLine } from '../../test/support/feelbot-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../../test/support/fixtures.js';
import { startPrivateRedis } from '../../test/support/redis-server.js';
import { loadFigures, offerAtRate, type LoadFigures } from './open-loop.js';

/** After the last message, replies still in flight get this long before the rest count as lost. */
const DRAIN_MS = 60_000;
/** A late duplicate reply would have been posted by this long after the last job ended. */
const DUPLICATE_GRACE_MS = 1_000;
/** Time for the gateway to cache new channels before messages arrive in them. */
const CHANNEL_CACHE_MS = 500;
/** Each channel gets fewer messages than the gateway's per-channel limit allows per minute. */
const MESSAGES_PER_CHANNEL = RATE_LIMITS.perChannelPerMinute - 2;

export interface PipelineFigures extends LoadFigures {
  readonly lost: number;
  readonly doubled: number;
}

/** fake Discord → real `feelbot gateway` → Redis (BullMQ) → real `feelbot worker` → fake Discord webhooks. */
export interface LoadPipeline {
  /** The texts sent as mentions at `rate` per second, each in a channel and from a user of its own round. */
  measure(texts: readonly string[], rate: number): Promise<PipelineFigures>;
  stop(): Promise<void>;
}

/**
 * Starts Redis, the fake Discord, a worker and a gateway, once for every round, and sends one
 * mention through them and waits for its reply before returning, so no round times a cold start.
 */
export async function startLoadPipeline(options: { readonly sequences: number; readonly burstWindowMs: number }): Promise<LoadPipeline> {
  const redis = await startPrivateRedis();
  const discord = await startFakeDiscord();
  const env = {
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `{load-${randomUUID().slice(0, 8)}}`,
    EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
    LLM_MODEL: tinyModelPath(),
    LLM_GPU: 'cpu',
    LLM_SEQUENCES: String(options.sequences),
    LLM_CONTEXT_SIZE: '4096',
    BURST_WINDOW_MS: String(options.burstWindowMs),
    // The in-process baseline's prompts carry no earlier messages; nor do the pipeline's, so the
    // ratio measures the queue, gateway and Discord round trips, not longer prompts.
    CONTEXT_MESSAGES: '0',
    LOG_LEVEL: 'info',
  };
  const worker = new FeelbotProcess(['worker'], env);
  const gateway = new FeelbotProcess(['gateway'], env);
  const stop = async () => {
    await Promise.all([gateway.stop(), worker.stop()]);
    await discord.close();
    await redis.stop();
  };
  const guildId = discord.world.guild.id;
  let batch = 0;

  async function measure(texts: readonly string[], rate: number): Promise<PipelineFigures> {
    batch += 1;
    // Fresh channels and users each round: the per-minute limits of the last round's still count.
    const channels = Array.from({ length: Math.ceil(texts.length / MESSAGES_PER_CHANNEL) }, (_, i) =>
      discord.addChannel({ guildId, type: ChannelType.GuildText, name: `load-${batch}-${i}` }),
    );
    const users = texts.map((_, i) => discord.addUser({ username: `load-${batch}-${i}` }));
    for (const user of users) discord.addMember({ guildId, userId: user.id });
    await sleep(CHANNEL_CACHE_MS);

    const executionsBefore = discord.webhookExecutions().length;
    const sentAt = new Map<string, number>();
    await offerAtRate(texts, rate, (content, i) => {
      const message = discord.sendMessage({ channelId: channels[i % channels.length]!.id, authorId: users[i]!.id, content, mentionsBot: true });
      sentAt.set(messageJobId(message.id), Date.now());
    });
    const done = () => worker.logs.filter((line) => line.msg === 'job done' && sentAt.has(String(line.jobId)));
    await waitForJobs(done, texts.length, Date.now() + DRAIN_MS);
    await sleep(DUPLICATE_GRACE_MS);

    const executions = discord.webhookExecutions().slice(executionsBefore);
    const postedAt = new Map(executions.map((execution) => [execution.messageId, execution.at]));
    const repliesPerJob = new Map<string, number>();
    const latencies: number[] = [];
    const postTimes: number[] = [];
    for (const line of done()) {
      const outcome = line.outcome as { status: string; replyId?: string };
      if (outcome.status !== 'posted' || !outcome.replyId) continue;
      const jobId = String(line.jobId);
      repliesPerJob.set(jobId, (repliesPerJob.get(jobId) ?? 0) + 1);
      const at = postedAt.get(outcome.replyId);
      if (at === undefined) continue;
      latencies.push(at - sentAt.get(jobId)!);
      postTimes.push(at);
    }
    const answered = [...repliesPerJob.values()];
    return {
      ...loadFigures(latencies, postTimes),
      lost: texts.length - answered.length,
      doubled: answered.filter((count) => count > 1).length + Math.max(0, executions.length - latencies.length),
    };
  }

  try {
    await worker.waitForLog((line) => line.msg === 'worker ready', 120_000);
    await gateway.waitForLog((line) => line.msg === 'gateway ready', 60_000);
    const warmUp = await measure(['warm-up: the first reply loads what a cold worker lacks'], 1);
    if (warmUp.lost > 0) throw new Error(`the warm-up mention got no reply within ${DRAIN_MS} ms; worker output:\n${worker.output.slice(-30).join('\n')}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { measure, stop };
}

async function waitForJobs(done: () => readonly LogLine[], count: number, deadline: number): Promise<void> {
  while (new Set(done().map((line) => line.jobId)).size < count && Date.now() < deadline) await sleep(100);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
