/**
 * `npm run bench`: the three benchmarks one after another, each in its own process (so one's
 * models and threads never slow the next), with the arguments the README documents. Each prints
 * its own ratios against the baseline it measures in the same run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS: ReadonlyArray<readonly [script: string, ...args: string[]]> = [
  ['classifier-throughput.ts'],
  ['llm-concurrency.ts', '--preset', 'tiny'],
  ['load.ts', '--rate', '5', '--seconds', '20'],
];

let failed = 0;
for (const [script, ...args] of BENCHMARKS) {
  process.stdout.write(`\n## ${script} ${args.join(' ')}\n\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    process.stderr.write(`${script} failed (exit ${run.status ?? run.signal})\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
