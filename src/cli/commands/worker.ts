import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { serveProcessMetrics } from '../../http/serve-process-metrics.js';
import { StartUpCheck } from '../../http/start-up-check.js';
import { startWorker, type RunningWorker } from '../../worker/start-worker.js';
import { unlessStopped, type Command } from '../command.js';
import { settleStoppedStartUp } from '../stopped-start-up.js';

export const workerCommand: Command = {
  name: 'worker',
  usage: 'worker',
  summary: 'load the models and answer queued messages (/livez, /healthz and /metrics on METRICS_PORT)',
  async run({ config, logger, stopped, signal }) {
    const metrics = new PrometheusMetrics();
    // Before the models, whose first download can take minutes: /livez answers meanwhile, /healthz says the classifier is loading.
    const classifier = new StartUpCheck();
    const http = await serveProcessMetrics(config, logger, metrics, { checks: { classifier: classifier.check } });
    let worker: RunningWorker | undefined;
    try {
      // A stop signal ends the start-up, with exit code 0 as any stop.
      const starting = startWorker(config, logger, metrics, signal);
      let stoppingLate: Promise<void> | undefined;
      worker = await unlessStopped(starting, signal, (late) => (stoppingLate = late.stop()));
      if (!worker) {
        await settleStoppedStartUp(starting, signal, logger);
        // A worker that started after all first puts back any job it took: the exit would cut it off.
        await stoppingLate;
        logger.info({ signal: await stopped }, 'stopped before the worker was ready');
        return;
      }
      classifier.started(async () => 'up');
      logger.info({ signal: await stopped }, 'stopping worker');
    } finally {
      await http.close();
      await worker?.stop();
    }
  },
};
