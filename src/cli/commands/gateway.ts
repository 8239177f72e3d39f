import { startGateway } from '../../gateway/start-gateway.js';
import type { Command } from '../command.js';

export const gatewayCommand: Command = {
  name: 'gateway',
  usage: 'gateway',
  summary: 'connect to Discord and queue the messages to answer (no models)',
  async run({ config, logger, stopped }) {
    const gateway = await startGateway(config, logger);
    logger.info({ signal: await stopped }, 'stopping gateway');
    await gateway.stop();
  },
};
