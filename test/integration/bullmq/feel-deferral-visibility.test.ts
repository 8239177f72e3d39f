import { randomUUID } from 'node:crypto';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { Events, type Interaction } from 'discord.js';
import { expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { RedisAnalysisLimiter } from '../../../src/adapters/redis/redis-analysis-limiter.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { createInteractionHandler } from '../../../src/gateway/commands/on-interaction.js';
import { analysisJobId, parseAnalysisJob } from '../../../src/jobs/analysis-job.js';
import { EVERYONE_PERMISSIONS, type OverwriteRecord } from '../../fakes/fake-discord/index.js';
import { addGuild } from '../../fakes/fake-discord/world.js';
import { flagOption, sendFeel, textOption } from '../../support/feelbot-command.js';
import { useLoggedInClient } from '../../support/logged-in-client.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * The gateway's /feel handler on a real Redis and BullMQ queue, and a real discord.js client logged
 * in to the fake Discord: the worker tells a failure to the asker alone, so the job it gets must say
 * whether the "thinking…" it answers is one the whole channel sees.
 */
const redis = usePrivateRedis();
const fake = useLoggedInClient();

it('the queued /feel says whether its "thinking…" is public: public for public:true, private otherwise', async () => {
  const { discord } = fake;
  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  const handle = createInteractionHandler({
    queue,
    settings: new RedisSettingsStore(redis.connection, prefix),
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger: createLogger('silent', 'test'),
  });

  async function feel(isPublic: boolean) {
    const { sent, handled } = sendFeel(fake, handle, isPublic);
    await handled;
    const deferral = discord.interactionResponses(sent.id)[0]!;
    const deferredPublicly = ((deferral.body.data as { flags?: number } | undefined)?.flags ?? 0) === 0;
    return { deferredPublicly, job: parseAnalysisJob((await queue.queue.getJob(analysisJobId(sent.id)))!.data) };
  }

  const shown = await feel(true);
  expect(shown.deferredPublicly).toBe(true);
  expect(shown.job.deferredPublicly).toBe(true);
  const hidden = await feel(false);
  expect(hidden.deferredPublicly).toBe(false);
  expect(hidden.job.deferredPublicly).toBe(false);
  await queue.close();
});

/**
 * A member who installed feelbot to their own account asks for a public /feel in a server the bot
 * is not in: the gateway knows no channel there, and none of that server's settings apply. Discord
 * shows such an answer publicly only where the member has USE_EXTERNAL_APPS.
 */
it('a public /feel through a user install, in a server without the bot, is public where the member may send messages and use external apps, and private where not', async () => {
  const { discord, client } = fake;
  const prefix = `{feel-${randomUUID().slice(0, 8)}}`;
  const queue = new MessageQueue(redis.connection, prefix);
  const settings = new RedisSettingsStore(redis.connection, prefix);
  const handle = createInteractionHandler({
    queue,
    settings,
    analysisLimiter: new RedisAnalysisLimiter(redis.connection, prefix),
    logger: createLogger('silent', 'test'),
  });

  /** A server without the bot, one member in it and a text channel the bot never heard of. */
  async function serverWithoutTheBot(everyonePermissions: bigint, overwrites: (guildId: string, userId: string) => OverwriteRecord[] = () => []) {
    const guild = addGuild(discord.store, { name: 'no bot here', ownerId: discord.addUser({ username: 'owner' }).id, everyonePermissions });
    const user = discord.addUser({ username: 'user-installer' });
    discord.addMember({ guildId: guild.id, userId: user.id });
    const channel = discord.addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'general', overwrites: overwrites(guild.id, user.id) }, { announced: false });
    // Settings stored under its id (from an install long removed, say) are not this request's.
    await settings.update(guild.id, (current) => ({ ...current, defaultMode: 'off' }));
    return { channelId: channel.id, userId: user.id };
  }

  async function publicFeel(where: { channelId: string; userId: string }) {
    const handled = new Promise<void>((resolve, reject) => {
      client.once(Events.InteractionCreate, (interaction: Interaction) => void handle(interaction).then(resolve, reject));
    });
    const sent = discord.sendInteraction({
      ...where,
      commandName: 'feel',
      installedBy: 'user',
      options: [textOption('text', 'I got the job, I am so happy!'), flagOption('public', true)],
    });
    await handled;
    const deferral = discord.interactionResponses(sent.id)[0]!;
    const job = parseAnalysisJob((await queue.queue.getJob(analysisJobId(sent.id)))!.data);
    return { deferredPublicly: ((deferral.body.data as { flags?: number } | undefined)?.flags ?? 0) === 0, job };
  }

  const allowed = await publicFeel(await serverWithoutTheBot(EVERYONE_PERMISSIONS | PermissionFlagsBits.UseExternalApps));
  expect(allowed).toMatchObject({ deferredPublicly: true, job: { deferredPublicly: true, guildId: null } });

  // Without USE_EXTERNAL_APPS Discord would show it to the asker alone, so it is deferred privately.
  const noExternalApps = await publicFeel(await serverWithoutTheBot(EVERYONE_PERMISSIONS));
  expect(noExternalApps).toMatchObject({ deferredPublicly: false, job: { deferredPublicly: false } });

  const mayNotSend = await publicFeel(
    await serverWithoutTheBot(EVERYONE_PERMISSIONS | PermissionFlagsBits.UseExternalApps, (guildId) => [
      { id: guildId, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages },
    ]),
  );
  expect(mayNotSend).toMatchObject({ deferredPublicly: false, job: { deferredPublicly: false } });
  await queue.close();
});
