import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageFlags, type APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { WebhookReplier } from '../../../src/adapters/discord/webhook-replier.js';
import { AVATARS_DIR, AvatarStore } from '../../../src/adapters/files/avatar-store.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
import { CHART_FILE } from '../../../src/jobs/analysis-card.js';
import { handleAnalysisJob } from '../../../src/jobs/handle-analysis-job.js';
import { NO_CHANNEL_BLOCKS } from '../../../src/ports/channel-blocks.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { buildAnalysis, buildAnalysisJob, buildScores, personas } from '../../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/**
 * Discord shows an embed's `attachment://<name>` only for an ASCII name of letters, digits, `_`,
 * `-` and `.` with an image extension (API Reference, Uploading Files). feelbot takes an avatar
 * file by its bytes, whatever the operator called it.
 */
const OPERATOR_FILE_NAMES = ['sunny.png', 'Sunny Face.png', 'süß.png', 'sunny', CHART_FILE];

/** A copy of a bundled PNG under the operator's own file name. */
function avatarFileNamed(fileName: string, art: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'feelbot-face-')), fileName);
  copyFileSync(join(AVATARS_DIR, art), path);
  return path;
}

/** The uploaded file an embed URL shows, as Discord resolved it; undefined when the client shows no image. */
function attachmentShownAt(message: APIMessage, url: string | undefined) {
  return message.attachments.find((attachment) => attachment.url === url);
}

describe("a persona's avatar attached to a message, whatever its file is called", () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord.close();
  });

  function replier() {
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const directory = new WebhookDirectory(rest, redis.connection, `{avatar-${randomUUID().slice(0, 8)}}`, async () => discord.applicationId);
    return new WebhookReplier(rest, directory, new AvatarStore());
  }

  it.each(OPERATOR_FILE_NAMES)('a PNG saved as "%s" shows as the DM reply\'s author icon', async (fileName) => {
    const { dm } = discord.world.channels;
    const love = { ...personas.love, avatar: avatarFileNamed(fileName, 'love.png') };
    await replier().post({ target: { origin: 'discord' as const, guildId: null, channelId: dm.id }, persona: love, content: 'You matter.' });
    const message = discord.channelMessages(dm.id).at(-1)!;
    expect(attachmentShownAt(message, message.embeds[0]?.author?.icon_url)).toMatchObject({ filename: 'avatar-love.png', content_type: 'image/png' });
  });

  it.each(OPERATOR_FILE_NAMES)('a PNG saved as "%s" shows as the /feel card\'s author icon, beside the chart', async (fileName) => {
    const { text } = discord.world.channels;
    const sent = discord.sendInteraction({ channelId: text.id, userId: discord.world.users.member.id, commandName: 'feel' });
    const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback?with_response=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 5, data: { flags: MessageFlags.Ephemeral } }),
    });
    const { resource } = (await deferred.json()) as { resource: { message: APIMessage } };
    const avatars = new AvatarStore();
    const joy = { ...personas.joy, avatar: avatarFileNamed(fileName, 'joy.png') };
    const outcome = await handleAnalysisJob(buildAnalysisJob({ applicationId: discord.applicationId, token: sent.token, guildId: discord.world.guild.id, channelId: text.id, interactionId: sent.id }), {
      classifier: { classify: async (texts) => texts.map(() => buildAnalysis({ emotion: 'joy', scores: buildScores({ joy: 0.9 }) })), dispose: async () => undefined },
      generator: { parallelism: 1, generate: async () => ({ text: 'Yay!', tokens: 2, truncated: false, firstTokenMs: 1, totalMs: 2 }), dispose: async () => undefined },
      personas: { ...personas, joy },
      settings: { get: async () => DEFAULT_GUILD_SETTINGS, update: async () => DEFAULT_GUILD_SETTINGS },
      responder: new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token)),
      blocks: NO_CHANNEL_BLOCKS,
      renderChart: () => Buffer.from('\x89PNG\r\n\x1a\n', 'binary'),
      avatarImage: (persona) => avatars.image(persona),
      avatarUrl: (persona) => avatars.publicUrl(persona, undefined),
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
    });
    expect(outcome).toMatchObject({ status: 'answered', persona: 'joy' });
    const card = discord.channelMessages(text.id).find((message) => message.id === resource.message.id)!;
    expect(card.embeds[0]?.author?.name).toBe('Joy');
    expect(attachmentShownAt(card, card.embeds[0]?.author?.icon_url)).toMatchObject({ filename: 'avatar-joy.png', content_type: 'image/png' });
    expect(attachmentShownAt(card, card.embeds[0]?.image?.url)).toMatchObject({ filename: CHART_FILE });
  });
});
