import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import type { CheckState } from '../../http/routes/health-route.js';
import { serveProcessMetrics } from '../../http/serve-process-metrics.js';
import { startWorker } from '../../worker/start-worker.js';
import { unlessStopped, type Command } from '../command.js';
import { settleStoppedStartUp } from '../stopped-start-up.js';

export const workerCommand: Command = {
  name: 'worker',
  usage: 'worker',
  summary: 'load the models and answer queued messages (/healthz and /metrics on METRICS_PORT)',
  async run({ config, logger, stopped, signal }) {
    const metrics = new PrometheusMetrics();
    // Loading the models can take minutes (their first download): a stop signal ends it, with exit code 0 as any stop.
    const starting = startWorker(config, logger, metrics, signal);
    let stoppingLate: Promise<void> | undefined;
    const worker = await unlessStopped(starting, signal, (late) => (stoppingLate = late.stop()));
    if (!worker) {
      await settleStoppedStartUp(starting, signal, logger);
      // A worker that started after all first puts back any job it took: the exit would cut it off.
      await stoppingLate;
      logger.info({ signal: await stopped }, 'stopped before the worker was ready');
      return;
    }
    const classifier = async (): Promise<CheckState> => (worker.classifier ? 'up' : 'loading');
    const http = await serveProcessMetrics(config, logger, metrics, { checks: { classifier } }).catch(async (error: unknown) => {
      await worker.stop();
      throw error;
    });
    logger.info({ signal: await stopped }, 'stopping worker');
    await http.close();
    await worker.stop();
  },
};
