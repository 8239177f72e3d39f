import { startWorker } from '../../worker/start-worker.js';
import type { Command } from '../command.js';

export const workerCommand: Command = {
  name: 'worker',
  usage: 'worker',
  summary: 'load the models and answer queued messages',
  async run({ config, logger, stopped }) {
    const worker = await startWorker(config, logger);
    logger.info({ signal: await stopped }, 'stopping worker');
    await worker.stop();
  },
};
