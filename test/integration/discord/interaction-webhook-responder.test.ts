import { MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { ErrorCodes, isFeelbotError, type FeelbotError } from '../../../src/errors.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';

/** InteractionResponseType.DeferredChannelMessageWithSource. */
const DEFERRED = 5;

describe('answering a deferred /feel through the interaction webhook', () => {
  let discord: FakeDiscord;
  let responder: InteractionWebhookResponder;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token));
  });

  afterAll(async () => {
    await discord.close();
  });

  /** A /feel the gateway has deferred ephemerally, as it does by default. */
  async function deferredFeel() {
    const sent = discord.sendInteraction({ channelId: discord.world.channels.text.id, userId: discord.world.users.member.id, commandName: 'feel' });
    const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: DEFERRED, data: { flags: MessageFlags.Ephemeral } }),
    });
    expect(deferred.status).toBe(204);
    return sent;
  }

  const editOf = (interactionId: string) => discord.interactionResponses(interactionId).find((response) => response.kind === 'editOriginal')!;

  it('a text-only answer asks for SUPPRESS_EMBEDS and no other flag, so no link in it unfurls and nothing else about the message changes', async () => {
    const sent = await deferredFeel();
    await responder.editOriginal(discord.applicationId, sent.token, { content: 'Sorry, the analysis failed (UNEXPECTED).', embeds: [], files: [] });
    expect(editOf(sent.id).body.flags).toBe(MessageFlags.SuppressEmbeds);
  });

  it('the analysis embed is not suppressed, since Discord would hide the answer itself', async () => {
    const sent = await deferredFeel();
    await responder.editOriginal(discord.applicationId, sent.token, {
      embeds: [{ title: 'Core emotion: Joy, 90% confident', description: 'How lovely!' }],
      files: [],
    });
    expect(Number(editOf(sent.id).body.flags ?? 0) & MessageFlags.SuppressEmbeds).toBe(0);
  });

  it('a 429 asking for 120 s fails the answer at once with DISCORD_RATE_LIMITED, sent once and without the interaction token', async () => {
    const sent = await deferredFeel();
    const since = discord.requests.length;
    discord.failNext('PATCH /webhooks/:id/:token/messages/:messageId', [{ status: 429, retryAfter: 120 }]);
    const limited = await responder.editOriginal(discord.applicationId, sent.token, { content: 'Joy, 90% confident.', embeds: [], files: [] }).catch((e: unknown) => e);
    expect(isFeelbotError(limited, ErrorCodes.DiscordRateLimited)).toBe(true);
    const { permanent, details, message } = limited as FeelbotError;
    expect(permanent).toBe(false);
    expect(details.retryAfterMs).toBeGreaterThanOrEqual(120_000);
    expect(details.retryAfterMs).toBeLessThanOrEqual(121_000);
    expect(message).toContain('PATCH /webhooks/:id/:token/messages/');
    expect(message).not.toContain(sent.token);
    expect(discord.requests.slice(since).filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([429]);
    expect(discord.interactionResponses(sent.id).filter((response) => response.kind === 'editOriginal')).toHaveLength(0);
  });
});
