import { requireDiscordToken } from '../../config.js';
import { startGateway } from '../../gateway/start-gateway.js';
import { startWorker } from '../../worker/start-worker.js';
import type { Command } from '../command.js';

export const startCommand: Command = {
  name: 'start',
  usage: 'start',
  summary: 'gateway and worker in one process, for small servers',
  async run({ config, logger, stopped }) {
    requireDiscordToken(config); // Before any model loads: a missing token must fail in milliseconds.
    const worker = await startWorker(config, logger);
    const gateway = await startGateway(config, logger).catch(async (error: unknown) => {
      await worker.stop();
      throw error;
    });
    logger.info({ signal: await stopped }, 'stopping');
    await gateway.stop();
    await worker.stop();
  },
};
