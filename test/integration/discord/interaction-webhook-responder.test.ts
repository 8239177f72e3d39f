import { MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { InteractionWebhookResponder } from '../../../src/adapters/discord/interaction-webhook-responder.js';
import { ErrorCodes, isFeelbotError, type FeelbotError } from '../../../src/errors.js';
import { isInteractionTokenExpired } from '../../../src/ports/interaction-responder.js';
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

  it('tells a /feel still "thinking…" from one answered, also when Discord applied the edit but answered 502', async () => {
    const thinking = await deferredFeel();
    expect(await responder.hasAnswered(discord.applicationId, thinking.token)).toBe(false);

    const answered = await deferredFeel();
    discord.failNext('PATCH /webhooks/:id/:token/messages/:messageId', Array.from({ length: 4 }, () => ({ status: 502, afterHandling: true })));
    const failed = await responder.editOriginal(discord.applicationId, answered.token, { embeds: [{ title: 'Core emotion: Joy' }], files: [] }).catch((e: unknown) => e);
    expect(isFeelbotError(failed, ErrorCodes.DiscordRequestFailed)).toBe(true);
    expect(await responder.hasAnswered(discord.applicationId, answered.token)).toBe(true);
    // Reading sent only GETs: nothing about either answer changed.
    expect(discord.interactionResponses(thinking.id).map((response) => response.kind)).toEqual(['callback']);
  });

  it('every message it writes, the private answer to a public /feel included, lets nothing ping: no @everyone, @here, role or user', async () => {
    const sent = discord.sendInteraction({ channelId: discord.world.channels.text.id, userId: discord.world.users.member.id, commandName: 'feel' });
    const deferred = await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: DEFERRED, data: { flags: 0 } }),
    });
    expect(deferred.status).toBe(204);

    await responder.answerPrivately(discord.applicationId, sent.token, 'Sorry, the analysis failed (UNEXPECTED). @everyone <@&1> <@2>');

    const written = discord.interactionResponses(sent.id).filter((response) => response.kind === 'editOriginal' || response.kind === 'followup');
    expect(written.map((response) => response.kind)).toEqual(['editOriginal', 'followup']);
    for (const response of written) expect(response.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
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

describe('answering a /feel whose interaction token has expired', () => {
  /** Discord's 15 minutes, shortened. */
  const TOKEN_MS = 300;
  let discord: FakeDiscord;
  let responder: InteractionWebhookResponder;

  beforeAll(async () => {
    discord = await startFakeDiscord({ interactionTokenMs: TOKEN_MS });
    responder = new InteractionWebhookResponder(createDiscordRest(discord.apiUrl, discord.token));
  });

  afterAll(async () => {
    await discord.close();
  });

  it('a request refused for the dead token (401) fails marked as such, so a give-up sends nothing more with it', async () => {
    const sent = discord.sendInteraction({ channelId: discord.world.channels.text.id, userId: discord.world.users.member.id, commandName: 'feel' });
    await fetch(`${discord.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: DEFERRED, data: { flags: MessageFlags.Ephemeral } }),
    });
    await new Promise((resolve) => setTimeout(resolve, TOKEN_MS + 100));
    const edit = await responder.editOriginal(discord.applicationId, sent.token, { content: 'Too late.', embeds: [], files: [] }).catch((e: unknown) => e);
    expect(isFeelbotError(edit, ErrorCodes.DiscordRequestFailed)).toBe(true);
    expect(isInteractionTokenExpired(edit)).toBe(true);
    expect((edit as FeelbotError).permanent).toBe(true);
    const read = await responder.hasAnswered(discord.applicationId, sent.token).catch((e: unknown) => e);
    expect(isInteractionTokenExpired(read)).toBe(true);
    // Another failure is no dead token.
    discord.failNext('PATCH /webhooks/:id/:token/messages/:messageId', [{ status: 404, code: 10_008, message: 'Unknown Message' }]);
    const live = discord.sendInteraction({ channelId: discord.world.channels.text.id, userId: discord.world.users.member.id, commandName: 'feel' });
    const other = await responder.editOriginal(discord.applicationId, live.token, { content: 'x', embeds: [], files: [] }).catch((e: unknown) => e);
    expect(isFeelbotError(other, ErrorCodes.DiscordRequestFailed)).toBe(true);
    expect(isInteractionTokenExpired(other)).toBe(false);
  });
});
