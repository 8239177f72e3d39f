import { randomUUID } from 'node:crypto';
import { Events, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import type { PersonaSet } from '../../../src/domain/persona.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { feelbotCommand, flagOption, textOption } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * /feelbot persona display_name, handled by the gateway's interaction handler on a real Redis, with
 * the real discord.js client against the fake Discord, for an operator whose PERSONAS_FILE renamed Joy.
 */
describe("/feelbot persona display_name, against the operator's own persona names", () => {
  const redis = usePrivateRedis();
  const fake = useLoggedInClient(createDiscordClient);
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** The operator's personas: Joy renamed Pip by their PERSONAS_FILE. */
  const operatorPersonas: PersonaSet = { ...DEFAULT_PERSONAS, joy: { ...DEFAULT_PERSONAS.joy, name: 'Pip' } };

  function handledWith(personas: PersonaSet) {
    const prefix = `{looks-${randomUUID().slice(0, 8)}}`;
    const queue = new MessageQueue(redis.connection, prefix);
    const settings = new RedisSettingsStore(redis.connection, prefix);
    const handle = createInteractionHandler({
      queue,
      settings,
      analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
      logger: capturedLogger().logger,
      personas,
    });
    const listener = (interaction: Interaction) => void handle(interaction);
    fake.client.on(Events.InteractionCreate, listener);
    cleanups.push(() => void fake.client.off(Events.InteractionCreate, listener), () => queue.close());
    const lookOf = async (emotion: 'anger' | 'joy') => (await settings.get(fake.discord.world.guild.id)).personaLooks[emotion];
    const rename = (emotion: string, name: string) =>
      feelbotCommand(fake.discord, fake.discord.world.users.admin.id, 'persona', [textOption('name', emotion), flagOption('enabled', true), textOption('display_name', name)]);
    return { rename, lookOf };
  }

  it("refuses a name the operator gave another persona, in any case, and takes the shipped name the operator's file replaced", async () => {
    const { rename, lookOf } = handledWith(operatorPersonas);
    const refused = await rename('anger', 'pip');
    expect(refused).toMatch(/"pip" is already the name Pip \(the joy persona\) shows in this server/);
    expect(await lookOf('anger')).toBeUndefined();

    expect(await rename('anger', 'Joy')).toMatch(/Anger is now allowed/);
    expect(await lookOf('anger')).toEqual({ name: 'Joy' });
    // Joy may still take its operator's name back.
    expect(await rename('joy', 'Pip')).toMatch(/Joy is now allowed/);
  });
});
