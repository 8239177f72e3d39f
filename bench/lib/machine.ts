import { cpus, loadavg } from 'node:os';

/** The one-minute load average: above the core count, another process shared the cores. */
export function loadAverage(): number {
  return loadavg()[0]!;
}

/** Cores and CPU model, so figures from two machines are not read as if from one. */
export function describeMachine(): string {
  const all = cpus();
  return `${all.length} cores, ${all[0]?.model.trim() || 'unknown CPU'}, node ${process.version}`;
}

/** The load average before and after a run, read against this machine's core count. */
export function describeLoad(before: number, after: number): string {
  const cores = cpus().length;
  return `load average ${before.toFixed(2)} before, ${after.toFixed(2)} after (${cores} cores: above ${cores} means another process shared them)`;
}
