/**
 * End-to-end load: mentions sent at `--rate` per second through a fake Discord → real `feelbot
 * gateway` → Redis (BullMQ) → real `feelbot worker` → fake Discord webhooks, on the tiny GGUF and
 * the shipped classifier. Baseline, measured in the same run: the same messages arriving at the
 * same rate, classified and generated in-process with the worker's concurrency.
 *
 *   npx tsx bench/load.ts [--rate 2] [--seconds 20] [--sequences 4]
 *
 * Both sides start once and answer one message before any timing. `--seconds` is split into
 * ROUNDS rounds; each times both sides on that round's texts, in an order that rotates, so a noisy
 * stretch of the machine falls on both; each ratio is the median of the rounds' own ratios.
 * Latency is reported raw and minus BURST_WINDOW_MS, the gateway's deliberate debounce.
 */
import { parseFlags } from '../scripts/fixtures/cli-args.js';
import { DEFAULT_BURST_WINDOW_MS as BURST_WINDOW_MS } from '../src/config.js';
import { startInProcessAnswerer } from './lib/in-process-answerer.js';
import { startLoadPipeline, type PipelineFigures } from './lib/load-pipeline.js';
import { describeLoad, describeMachine, loadAverage } from './lib/machine.js';
import type { LoadFigures } from './lib/open-loop.js';
import { median, rotated } from './lib/rounds.js';
import { formatTable } from './lib/table.js';

/** Bounds so a typo in the flags cannot start an unbounded run. */
const MAX_RATE = 50;
const MAX_SECONDS = 120;
/** Three rounds: a median that one noisy round cannot move, in about the wall time of one long run. */
const ROUNDS = 3;
/** A round needs two replies to have a rate between its first and its last. */
const MIN_MESSAGES_PER_ROUND = 2;

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
const roundSeconds = seconds / ROUNDS;
const perRound = Math.round(rate * roundSeconds);
if (perRound < MIN_MESSAGES_PER_ROUND) throw new Error(`--rate x --seconds must give at least ${MIN_MESSAGES_PER_ROUND} mentions in each of ${ROUNDS} rounds`);
// Each round's texts are new to the worker, whose classifier remembers texts it has seen.
const textsOf = (round: number) => Array.from({ length: perRound }, (_, i) => `${SENTENCES[i % SENTENCES.length]} (${round}.${i})`);

const SIDES = ['inProcess', 'pipeline'] as const;
type Side = (typeof SIDES)[number];
interface Round {
  inProcess: LoadFigures;
  pipeline: PipelineFigures;
}

const loadBefore = loadAverage();
const answerer = await startInProcessAnswerer(sequences);
const rounds: Round[] = [];
const firstSides: Side[] = [];
try {
  const pipeline = await startLoadPipeline({ sequences, burstWindowMs: BURST_WINDOW_MS });
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const texts = textsOf(round);
      const order = rotated(SIDES, round);
      firstSides.push(order[0]!);
      let inProcess: LoadFigures | undefined;
      let piped: PipelineFigures | undefined;
      for (const side of order) {
        if (side === 'inProcess') inProcess = await answerer.measure(texts, rate);
        else piped = await pipeline.measure(texts, rate);
      }
      rounds.push({ inProcess: inProcess!, pipeline: piped! });
    }
  } finally {
    await pipeline.stop();
  }
} finally {
  await answerer.dispose();
}
const loadAfter = loadAverage();

/** A metric's value on each side of one round, and which way its ratio is taken. */
interface Metric {
  readonly label: string;
  readonly pipeline: (round: Round) => number;
  readonly inProcess: (round: Round) => number;
  /** The pipeline's cost over the baseline's, so above 1 always means the pipeline is costlier. */
  readonly ratio: (round: Round) => number;
  readonly direction: string;
  readonly format: (value: number) => string;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const perSecond = (value: number) => value.toFixed(2);
const debounced = (value: number) => value - BURST_WINDOW_MS;
const latency = (label: string, pick: (figures: LoadFigures) => number, minus: (value: number) => number = (value) => value): Metric => ({
  label,
  pipeline: (round) => minus(pick(round.pipeline)),
  inProcess: (round) => pick(round.inProcess),
  ratio: (round) => minus(pick(round.pipeline)) / pick(round.inProcess),
  direction: 'pipeline / in-process',
  format: ms,
});
const METRICS: readonly Metric[] = [
  {
    label: `rate kept up (replies/s; ${rate} offered)`,
    pipeline: (round) => round.pipeline.throughput,
    inProcess: (round) => round.inProcess.throughput,
    ratio: (round) => round.inProcess.throughput / round.pipeline.throughput,
    direction: 'in-process / pipeline',
    format: perSecond,
  },
  latency('p50 latency, raw', (figures) => figures.p50),
  latency('p99 latency, raw', (figures) => figures.p99),
  latency('p50 latency, minus debounce', (figures) => figures.p50, debounced),
  latency('p99 latency, minus debounce', (figures) => figures.p99, debounced),
];

const times = (value: number) => `${value.toFixed(2)}x`;
const lost = rounds.reduce((sum, round) => sum + round.pipeline.lost, 0);
const doubled = rounds.reduce((sum, round) => sum + round.pipeline.doubled, 0);
const sideName = (side: Side) => (side === 'pipeline' ? 'pipeline' : 'in-process');
console.log(
  `\nload: ${rate} msg/s in ${ROUNDS} rounds of ${roundSeconds.toFixed(1)} s = ${perRound} mentions per side per round (${perRound * ROUNDS} in all); ` +
    `worker LLM_SEQUENCES=${sequences}; tiny GGUF on CPU; shipped classifier`,
);
console.log(`machine: ${describeMachine()}; ${describeLoad(loadBefore, loadAfter)}`);
console.log(`both sides answered one warm-up message before timing; first side per round: ${firstSides.map(sideName).join(', ')}`);
console.log(`latency "minus debounce" subtracts the gateway's deliberate BURST_WINDOW_MS = ${BURST_WINDOW_MS} ms\n`);
console.log(
  formatTable(
    ['measure', 'pipeline (gateway→queue→worker→Discord)', 'in-process classify+generate', 'ratio', 'ratio per round', 'ratio is'],
    [
      ...METRICS.map((metric) => [
        metric.label,
        metric.format(median(rounds.map(metric.pipeline))),
        metric.format(median(rounds.map(metric.inProcess))),
        times(median(rounds.map(metric.ratio))),
        rounds.map((round) => metric.ratio(round).toFixed(2)).join(' '),
        metric.direction,
      ]),
      ['messages lost (all rounds)', String(lost), '-', '-', rounds.map((round) => String(round.pipeline.lost)).join(' '), '-'],
      ['messages answered twice (all rounds)', String(doubled), '-', '-', rounds.map((round) => String(round.pipeline.doubled)).join(' '), '-'],
    ],
  ),
);
console.log(`\nfigures: each side's median over the rounds; ratio: the median of each round's own ratio; above 1, the pipeline is that many times costlier`);
// Nearest rank: under 100 latencies a round's p99 is its slowest, so it moves with one slow reply.
if (perRound < 100) console.log(`p99 of a round's ${perRound} latencies is its slowest one`);
console.log('messages arrive at the offered rate on both sides, so "rate kept up" is that rate while a side keeps up, and lower once it falls behind:\nit shows whether the pipeline keeps up, not its capacity (raise --rate until it falls behind for that)');
if (lost > 0 || doubled > 0) process.exitCode = 1;
