import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { asDiscordRequestError } from '../../src/adapters/discord/discord-request-error.js';

describe('a Discord 408 (request timeout)', () => {
  it('is retryable, unlike the other 4xx', () => {
    const timeout = new DiscordAPIError({ message: 'Request Timeout', code: 0 }, 0, 408, 'POST', 'https://discord.com/api/v10/webhooks/1/x', { body: undefined, files: undefined });
    const refused = new DiscordAPIError({ message: 'Missing Access', code: 50001 }, 50001, 403, 'POST', 'https://discord.com/api/v10/webhooks/1/x', { body: undefined, files: undefined });
    expect(asDiscordRequestError(timeout, 'the reply')).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: false });
    expect(asDiscordRequestError(refused, 'the reply')).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', permanent: true });
  });
});
