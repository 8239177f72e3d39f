/**
 * End-to-end load: mentions sent at `--rate` per second for `--seconds` through a fake Discord →
 * real `feelbot gateway` → Redis (BullMQ) → real `feelbot worker` → fake Discord webhooks, on the
 * tiny GGUF and the shipped classifier. Baseline, measured in the same run before the processes
 * start: the same messages classified and generated in-process, with the worker's concurrency.
 *
 *   npx tsx bench/load.ts [--rate 2] [--seconds 20] [--sequences 4]
 *
 * Latency is reported raw and minus BURST_WINDOW_MS, the gateway's deliberate debounce.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ChannelType } from 'discord-api-types/v10';
import { parseFlags } from '../scripts/fixtures/cli-args.js';
import { createLlamaReplyGenerator } from '../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime } from '../src/adapters/llama/llama-runtime.js';
import { loadEmotionModel } from '../src/adapters/transformers/load-emotion-model.js';
import { DEFAULT_BURST_WINDOW_MS as BURST_WINDOW_MS } from '../src/config.js';
import { buildPrompt } from '../src/domain/build-prompt.js';
import { DEFAULT_PERSONAS } from '../src/domain/default-personas.js';
import { pickPersona } from '../src/domain/pick-persona.js';
import { RATE_LIMITS } from '../src/adapters/redis/redis-rate-limiter.js';
import { messageJobId } from '../src/jobs/message-job.js';
import { startFakeDiscord } from '../test/fakes/fake-discord/index.js';
import { FeelbotProcess } from '../test/support/feelbot-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../test/support/fixtures.js';
import { startPrivateRedis } from '../test/support/redis-server.js';
import { percentile } from './lib/stats.js';
import { formatTable } from './lib/table.js';

/** Bounds so a typo in the flags cannot start an unbounded run. */
const MAX_RATE = 50;
const MAX_SECONDS = 120;
/** After the last message, replies still in flight get this long before the rest count as lost. */
const DRAIN_MS = 60_000;
/** Each channel gets fewer messages than the gateway's per-channel limit allows per minute. */
const MESSAGES_PER_CHANNEL = RATE_LIMITS.perChannelPerMinute - 2;

const SENTENCES = [
  'I finally got the job, I am so happy!',
  'my exam went so badly, I feel awful',
  'this is so unfair, I am furious',
  'I am scared of the storm tonight',
  'I love you all so much',
  'wow, I did not expect that at all!',
];

const flags = parseFlags(process.argv.slice(2));
const rate = Number(flags.get('rate') ?? 2);
const seconds = Number(flags.get('seconds') ?? 20);
const sequences = Number(flags.get('sequences') ?? 4);
if (!(rate > 0 && rate <= MAX_RATE)) throw new Error(`--rate must be in (0, ${MAX_RATE}]`);
if (!(seconds > 0 && seconds <= MAX_SECONDS)) throw new Error(`--seconds must be in (0, ${MAX_SECONDS}]`);
const total = Math.round(rate * seconds);
const texts = Array.from({ length: total }, (_, i) => `${SENTENCES[i % SENTENCES.length]} (${i})`);

const baseline = await measureInProcess(texts, sequences);
const pipeline = await measurePipeline(texts);

const ms = (value: number) => `${value.toFixed(0)} ms`;
const debounced = (value: number) => ms(value - BURST_WINDOW_MS);
console.log(`\nload: ${rate} msg/s for ${seconds} s = ${total} mentions; worker LLM_SEQUENCES=${sequences}; tiny GGUF on CPU; shipped classifier`);
console.log(`latency "minus debounce" subtracts the gateway's deliberate BURST_WINDOW_MS = ${BURST_WINDOW_MS} ms\n`);
console.log(
  formatTable(
    ['measure', 'pipeline (gateway→queue→worker→Discord)', 'in-process classify+generate', 'ratio'],
    [
      [`rate kept up (replies/s; ${rate} offered)`, pipeline.throughput.toFixed(2), baseline.throughput.toFixed(2), ratio(baseline.throughput, pipeline.throughput)],
      ['p50 latency, raw', ms(pipeline.p50), ms(baseline.p50), ratio(pipeline.p50, baseline.p50)],
      ['p99 latency, raw', ms(pipeline.p99), ms(baseline.p99), ratio(pipeline.p99, baseline.p99)],
      ['p50 latency, minus debounce', debounced(pipeline.p50), ms(baseline.p50), ratio(pipeline.p50 - BURST_WINDOW_MS, baseline.p50)],
      ['p99 latency, minus debounce', debounced(pipeline.p99), ms(baseline.p99), ratio(pipeline.p99 - BURST_WINDOW_MS, baseline.p99)],
      ['messages lost', String(pipeline.lost), '-', '-'],
      ['messages answered twice', String(pipeline.doubled), '-', '-'],
    ],
  ),
);
console.log('\nratio: rate kept up = in-process / pipeline; latency = pipeline / in-process (both: how many times costlier the pipeline is)');
console.log('messages arrive at the offered rate on both sides, so "rate kept up" is that rate while a side keeps up, and lower once it falls behind:\nit shows whether the pipeline keeps up, not its capacity (raise --rate until it falls behind for that)');
if (pipeline.lost > 0 || pipeline.doubled > 0) process.exitCode = 1;

interface Measured {
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
}

/** The same texts, arriving at the same rate, classified and generated in this process. */
async function measureInProcess(inputs: readonly string[], concurrency: number): Promise<Measured> {
  // Loaded as the worker loads it (a folder with a second reader gets it here too).
  const classifier = await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL });
  const runtime = await createLlamaRuntime({ model: tinyModelPath(), gpu: 'cpu', modelsDir: fileURLToPath(new URL('.generated/', import.meta.url)) });
  const generator = await createLlamaReplyGenerator(runtime.model, { sequences: concurrency, contextSize: 4_096 });
  const answer = async (text: string) => {
    const [analysis] = await classifier.classify([text]);
    const persona = DEFAULT_PERSONAS[pickPersona(analysis!.scores, []) ?? 'joy'];
    const prompt = buildPrompt({ persona, context: [], message: { authorName: 'bench', content: text } });
    await generator.generate({ prompt, sampling: persona.sampling });
  };
  try {
    await answer('warm-up: the first call allocates buffers');
    const latencies: number[] = [];
    const finishedAt: number[] = [];
    const started = performance.now();
    await Promise.all(
      inputs.map(async (text, i) => {
        await sleepUntil(started + (i * 1_000) / rate);
        const sent = performance.now();
        await answer(text);
        finishedAt.push(performance.now());
        latencies.push(performance.now() - sent);
      }),
    );
    return { throughput: throughputOf(finishedAt), p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
  } finally {
    await generator.dispose();
    await classifier.dispose();
    await runtime.dispose();
  }
}

async function measurePipeline(inputs: readonly string[]): Promise<Measured & { lost: number; doubled: number }> {
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
    LLM_SEQUENCES: String(sequences),
    LLM_CONTEXT_SIZE: '4096',
    BURST_WINDOW_MS: String(BURST_WINDOW_MS),
    // The in-process baseline's prompts carry no earlier messages; nor do the pipeline's, so the
    // ratio measures the queue, gateway and Discord round trips, not longer prompts.
    CONTEXT_MESSAGES: '0',
    LOG_LEVEL: 'info',
  };
  const worker = new FeelbotProcess(['worker'], env);
  const gateway = new FeelbotProcess(['gateway'], env);
  try {
    await worker.waitForLog((line) => line.msg === 'worker ready', 120_000);
    await gateway.waitForLog((line) => line.msg === 'gateway ready', 60_000);
    const guildId = discord.world.guild.id;
    const channels = Array.from({ length: Math.ceil(inputs.length / MESSAGES_PER_CHANNEL) }, (_, i) =>
      discord.addChannel({ guildId, type: ChannelType.GuildText, name: `load-${i}` }),
    );
    // Give the gateway a moment to cache the new channels before messages arrive in them.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const sentAt = new Map<string, number>();
    const started = Date.now();
    for (const [i, content] of inputs.entries()) {
      await sleepUntil(performance.now() + (started + (i * 1_000) / rate - Date.now()));
      const user = discord.addUser({ username: `load-${i}` });
      discord.addMember({ guildId, userId: user.id });
      const message = discord.sendMessage({ channelId: channels[i % channels.length]!.id, authorId: user.id, content, mentionsBot: true });
      sentAt.set(messageJobId(message.id), Date.now());
    }
    const done = () => worker.logs.filter((line) => line.msg === 'job done' && sentAt.has(String(line.jobId)));
    const drainUntil = Date.now() + DRAIN_MS;
    while (new Set(done().map((line) => line.jobId)).size < inputs.length && Date.now() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // A late duplicate would show up by now.

    const postedAt = new Map(discord.webhookExecutions().map((execution) => [execution.messageId, execution.at]));
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
      throughput: throughputOf(postTimes),
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      lost: inputs.length - answered.length,
      doubled: answered.filter((count) => count > 1).length + Math.max(0, discord.webhookExecutions().length - latencies.length),
    };
  } finally {
    await Promise.all([gateway.stop(), worker.stop()]);
    await discord.close();
    await redis.stop();
  }
}

/** Completions per second between the first and the last completion: the rate the system kept up. */
function throughputOf(times: readonly number[]): number {
  if (times.length < 2) return Number.NaN;
  return ((times.length - 1) / (Math.max(...times) - Math.min(...times))) * 1_000;
}

function ratio(numerator: number, denominator: number): string {
  return `${(numerator / denominator).toFixed(2)}x`;
}

function sleepUntil(deadline: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - performance.now())));
}
