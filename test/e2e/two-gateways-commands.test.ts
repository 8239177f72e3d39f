import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeelbotProcess, LogLine } from '../support/feelbot-process.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { textOption } from '../support/feelbot-command.js';

/**
 * During a roll-out two gateways on one shard both receive each interaction. Discord takes the
 * first answer and refuses the second (40060): the command was answered, and nothing failed.
 */
describe('two gateways receive the same /feelbot command (a roll-out)', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  const finished = (gateway: FeelbotProcess, interactionId: string): Promise<LogLine> =>
    gateway.waitForLog((line) => line.interactionId === interactionId && (line.msg === 'interaction handled' || line.msg === 'interaction failed'), 15_000);

  it("an admin's /feelbot default is answered once, neither gateway logs a failure, and no fallback answer is sent", async () => {
    stack = await FeelbotStack.start();
    const gateways = [await stack.spawn('gateway'), await stack.spawn('gateway')];
    const sent = stack.discord.sendInteraction({
      channelId: stack.discord.world.channels.text.id,
      userId: stack.discord.world.users.admin.id,
      commandName: 'feelbot',
      options: [{ name: 'default', type: ApplicationCommandOptionType.Subcommand, options: [textOption('mode', 'off')] }],
    });
    const outcomes = await Promise.all(gateways.map((gateway) => finished(gateway, sent.id)));
    expect(outcomes.map((line) => [line.level, line.msg])).toEqual([
      ['info', 'interaction handled'],
      ['info', 'interaction handled'],
    ]);
    expect(outcomes.map((line) => line.outcome)).toContain('acknowledged-elsewhere');
    // One answer taken, one refused as already acknowledged, and nothing more.
    const callbacks = stack.discord.requests.filter((request) => request.method === 'POST' && request.path.startsWith(`/interactions/${sent.id}/`));
    expect(callbacks.map((request) => request.status).sort()).toEqual([204, 400]);
  });
});
