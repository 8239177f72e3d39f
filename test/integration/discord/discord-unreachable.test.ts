import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { asDiscordRequestError } from '../../../src/adapters/discord/discord-request-error.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import { closedPort } from '../../support/closed-port.js';

/** The REST client as feelbot makes it, pointed at an address where nothing listens (Discord unreachable). */
describe('a Discord request that never reaches Discord', () => {
  it('is DISCORD_UNAVAILABLE, retryable, naming the network failure and no URL, not an uncoded error', async () => {
    const rest = createDiscordRest(`http://127.0.0.1:${await closedPort()}/api`, 'Bot.secret.token-for-the-test');
    const failure = await rest.post('/interactions/123/a-secret-interaction-token/callback', { body: { type: 5 } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const coded = asDiscordRequestError(failure, 'the answer to the interaction');
    expect(isFeelbotError(coded)).toBe(true);
    if (!isFeelbotError(coded)) return;
    expect({ code: coded.code, permanent: coded.permanent, errno: coded.details.errno }).toEqual({
      code: ErrorCodes.DiscordUnavailable,
      permanent: false,
      errno: 'ECONNREFUSED',
    });
    expect(coded.message).toBe('Could not reach Discord for the answer to the interaction (ECONNREFUSED).');
  });

  it('a REST timeout (an AbortError, as a stop signal also aborts) is left as it is', () => {
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    expect(asDiscordRequestError(aborted, 'the reply')).toBe(aborted);
  });
});
