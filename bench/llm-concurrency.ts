/**
 * Aggregate tokens/s of N conversations generated at once through one context (N sequences)
 * versus the same N conversations one after another, on a generated fixture model.
 *
 *   npx tsx bench/llm-concurrency.ts [--preset tiny|smol-135m] [--max-tokens 64] [--gpu cpu] [--threads N] [--repeats 4]
 *
 * Each figure is the median of `--repeats` runs, since a shared VM's timings are noisy; which of the
 * two runs first alternates from one repeat to the next, so an even `--repeats` favours neither.
 */
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../scripts/fixtures/cli-args.js';
import { isPresetName } from '../scripts/fixtures/llama-shape.js';
import { ensureTinyGguf } from '../scripts/fixtures/tiny-gguf.js';
import { createLlamaReplyGenerator } from '../src/adapters/llama/llama-reply-generator.js';
import { createLlamaRuntime } from '../src/adapters/llama/llama-runtime.js';
import type { GpuMode } from '../src/adapters/llama/select-gpu.js';
import type { GenerationRequest, GenerationResult, ReplyGenerator } from '../src/ports/reply-generator.js';
import { peakRssMiB, percentile } from './lib/stats.js';

const CONCURRENCY_LEVELS = [1, 4, 8] as const;
const MAX_CONCURRENCY = 8;
// Enough room for the prompt plus the reply in every sequence.
const CONTEXT_SIZE_PER_SEQUENCE = 1_024;

const flags = parseFlags(process.argv.slice(2));
const preset = flags.get('preset') ?? 'tiny';
if (!isPresetName(preset)) throw new Error(`unknown --preset ${preset}; use tiny or smol-135m`);
const maxTokens = Number(flags.get('max-tokens') ?? 64);
const gpu = (flags.get('gpu') ?? 'cpu') as GpuMode;
const repeats = Number(flags.get('repeats') ?? 4);
const threads = flags.has('threads') ? Number(flags.get('threads')) : undefined;

const modelPath = fileURLToPath(new URL(`.generated/${preset}.gguf`, import.meta.url));
ensureTinyGguf(modelPath, { preset });
const runtime = await createLlamaRuntime({ model: modelPath, gpu, modelsDir: fileURLToPath(new URL('.generated/', import.meta.url)) });
const generator = await createLlamaReplyGenerator(runtime.model, {
  sequences: MAX_CONCURRENCY,
  contextSize: CONTEXT_SIZE_PER_SEQUENCE,
  ...(threads === undefined ? {} : { threads }),
});
console.log(`preset=${preset} backend=${runtime.backend} maxTokens=${maxTokens} repeats=${repeats} threads=${threads ?? 'default'} sequences=${MAX_CONCURRENCY} contextSize/seq=${CONTEXT_SIZE_PER_SEQUENCE}`);

function conversation(index: number): GenerationRequest {
  return {
    prompt: { system: 'You are Joy, a cheerful friend who answers in two sentences.', turns: [{ role: 'user', text: `Message number ${index}: guess what happened to me today?` }] },
    // Greedy keeps token counts comparable between the concurrent and the sequential run.
    sampling: { temperature: 0, topP: 1, repeatPenalty: 1, maxTokens },
  };
}

interface RunStats {
  readonly tokensPerSecond: number;
  readonly firstTokenP50: number;
}

async function runConcurrent(target: ReplyGenerator, count: number): Promise<RunStats> {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: count }, (_, i) => target.generate(conversation(i))));
  return summarise(results, performance.now() - started);
}

async function runSequential(target: ReplyGenerator, count: number): Promise<RunStats> {
  const started = performance.now();
  const results: GenerationResult[] = [];
  for (let i = 0; i < count; i++) results.push(await target.generate(conversation(i)));
  return summarise(results, performance.now() - started);
}

function summarise(results: readonly GenerationResult[], wallMs: number): RunStats {
  const tokens = results.reduce((sum, result) => sum + result.tokens, 0);
  return { tokensPerSecond: (tokens / wallMs) * 1_000, firstTokenP50: percentile(results.map((r) => r.firstTokenMs), 0.5) };
}

function medianRun(runs: readonly RunStats[]): RunStats {
  return {
    tokensPerSecond: percentile(runs.map((run) => run.tokensPerSecond), 0.5),
    firstTokenP50: percentile(runs.map((run) => run.firstTokenP50), 0.5),
  };
}

await runConcurrent(generator, 2); // warm-up: first evaluation allocates buffers
console.log('N | concurrent tok/s | sequential tok/s | ratio | first-token p50 concurrent / sequential (ms)');
for (const count of CONCURRENCY_LEVELS) {
  const concurrentRuns: RunStats[] = [];
  const sequentialRuns: RunStats[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    // Alternate which runs first, so an order effect (the second meeting what the first warmed up) favours neither.
    if (repeat % 2 === 0) {
      concurrentRuns.push(await runConcurrent(generator, count));
      sequentialRuns.push(await runSequential(generator, count));
    } else {
      sequentialRuns.push(await runSequential(generator, count));
      concurrentRuns.push(await runConcurrent(generator, count));
    }
  }
  const concurrent = medianRun(concurrentRuns);
  const sequential = medianRun(sequentialRuns);
  console.log(
    `${count} | ${concurrent.tokensPerSecond.toFixed(1)} | ${sequential.tokensPerSecond.toFixed(1)} | ` +
      `${(concurrent.tokensPerSecond / sequential.tokensPerSecond).toFixed(2)}x | ` +
      `${concurrent.firstTokenP50.toFixed(1)} / ${sequential.firstTokenP50.toFixed(1)}`,
  );
}
console.log(`peak RSS ${peakRssMiB().toFixed(0)} MiB`);
await generator.dispose();
await runtime.dispose();
