import { DiscordAPIError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { asDiscordRequestError } from '../../src/adapters/discord/discord-request-error.js';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';

const WEBHOOK_TOKEN = 'Wq3xVb9_kLm2Np4Rs6Tu8Vw0Xy1Za3Bc5De7Fg9Hi1Jk3Lm5No7Pq9Rs1Tu3Vw5Xy7';
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZmdoaWprbG1ub3A';

/** What discord.js throws when a webhook execute is refused: the URL holds the webhook's token. */
function refusedWebhookPost(): DiscordAPIError {
  const url = `https://discord.com/api/v10/webhooks/1200000000000000001/${WEBHOOK_TOKEN}?wait=true`;
  return new DiscordAPIError({ code: 10_015, message: 'Unknown Webhook' }, 10_015, 404, 'POST', url, {
    body: { content: 'hi', token: WEBHOOK_TOKEN },
  });
}

function refusedInteractionCallback(): DiscordAPIError {
  const url = `https://discord.com/api/v10/interactions/1200000000000000002/${INTERACTION_TOKEN}/callback`;
  return new DiscordAPIError({ code: 10_062, message: 'Unknown interaction' }, 10_062, 404, 'POST', url, { body: { type: 5 } });
}

/** Logs one line through the real logger and returns it as written. */
function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  write(createLogger('debug', 'test', { write: (line: string) => void lines.push(line) }));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/** The line, parsed, for checks that what was logged is still there: dropping a field would also hide its token. */
function expectNoSecrets(line: string): Record<string, unknown> {
  expect(line).not.toContain(WEBHOOK_TOKEN);
  expect(line).not.toContain(INTERACTION_TOKEN);
  return JSON.parse(line) as Record<string, unknown>;
}

/** A refused request as logged: what an operator needs is kept, the URL and body that held the token are not. */
function discordErrorLogged(code: number, message: string) {
  return { type: 'DiscordAPIError', code, message, status: 404, method: 'POST' };
}

const CODED_REFUSAL = {
  type: 'FeelbotError',
  code: 'DISCORD_REQUEST_FAILED',
  message: expect.stringContaining('HTTP 404, code 10015: Unknown Webhook') as unknown,
  details: { status: 404, discordCode: 10_015 },
};

describe('errors in the logs never carry a webhook or interaction token', () => {
  it('a Discord error logged under a key other than err', () => {
    const line = logged((logger) => logger.warn({ error: refusedWebhookPost(), cause: refusedInteractionCallback() }, 'post failed'));
    const fields = expectNoSecrets(line);
    expect(fields).toMatchObject({ msg: 'post failed', error: discordErrorLogged(10_015, 'Unknown Webhook'), cause: discordErrorLogged(10_062, 'Unknown interaction') });
    for (const key of ['error', 'cause']) {
      expect(fields[key]).not.toHaveProperty('url');
      expect(fields[key]).not.toHaveProperty('requestBody');
    }
  });

  it('a Discord error inside an AggregateError, and one kept in another error field', () => {
    const aggregate = new AggregateError([refusedWebhookPost(), refusedInteractionCallback()], 'both posts failed');
    expect(expectNoSecrets(logged((logger) => logger.error({ err: aggregate }, 'job failed')))).toMatchObject({
      err: {
        type: 'AggregateError',
        message: 'both posts failed',
        aggregateErrors: [discordErrorLogged(10_015, 'Unknown Webhook'), discordErrorLogged(10_062, 'Unknown interaction')],
      },
    });
    const wrapped = Object.assign(new Error('could not answer'), { original: refusedWebhookPost() });
    expect(expectNoSecrets(logged((logger) => logger.error({ err: wrapped }, 'job failed')))).toMatchObject({
      err: { type: 'Error', message: 'could not answer', original: discordErrorLogged(10_015, 'Unknown Webhook') },
    });
  });

  it("a Discord error as the cause of feelbot's own error, logged under err or nested deeper", () => {
    const coded = asDiscordRequestError(refusedWebhookPost(), 'the reply');
    expect(expectNoSecrets(logged((logger) => logger.error({ err: coded }, 'job failed')))).toMatchObject({ err: CODED_REFUSAL });
    expect(expectNoSecrets(logged((logger) => logger.error({ details: { failure: coded, attempts: [refusedWebhookPost()] } }, 'job failed')))).toMatchObject({
      details: { failure: CODED_REFUSAL, attempts: [discordErrorLogged(10_015, 'Unknown Webhook')] },
    });
    expect(expectNoSecrets(logged((logger) => logger.error(new AggregateError([coded]), 'job failed')))).toMatchObject({
      err: { type: 'AggregateError', aggregateErrors: [CODED_REFUSAL] },
    });
  });

  it("a rate limit on a webhook route, whose major parameter is the webhook's id and token", () => {
    const limited = new RateLimitError({
      timeToReset: 120_000,
      limit: 5,
      method: 'POST',
      hash: 'Global(POST:/webhooks/:id/:token)',
      url: `https://discord.com/api/v10/webhooks/1200000000000000001/${WEBHOOK_TOKEN}?wait=true`,
      route: '/webhooks/:id/:token',
      majorParameter: `1200000000000000001/${WEBHOOK_TOKEN}`,
      global: false,
      retryAfter: 120_000,
      sublimitTimeout: 0,
      scope: 'user',
    });
    const line = logged((logger) => logger.error({ err: limited }, 'could not delete a reply posted in the wrong channel'));
    const fields = expectNoSecrets(line);
    expect(fields).toMatchObject({ err: { type: 'RateLimitError', route: '/webhooks/:id/:token', retryAfter: 120_000 } });
    expect(fields.err).not.toHaveProperty('majorParameter');
  });

  it('a token in an error message or in free text is redacted by pattern', () => {
    const error = new Error(`fetch failed for /webhooks/1200000000000000001/${WEBHOOK_TOKEN} and /interactions/1200000000000000002/${INTERACTION_TOKEN}/callback`);
    expect(expectNoSecrets(logged((logger) => logger.warn({ problem: error }, 'request failed')))).toMatchObject({
      msg: 'request failed',
      problem: { type: 'Error', message: 'fetch failed for /webhooks/1200000000000000001/[redacted] and /interactions/1200000000000000002/[redacted]/callback' },
    });
    expect(expectNoSecrets(logged((logger) => logger.warn(`retrying /interactions/1200000000000000002/${INTERACTION_TOKEN}/callback`)))).toMatchObject({
      msg: 'retrying /interactions/1200000000000000002/[redacted]/callback',
    });
  });

  it('a token holding a dot is redacted whole, in a webhook URL as in an interaction URL', () => {
    const dotted = 'aW50ZXJhY3Rpb246MTIz.NDU2Nzg5MDEy-MzQ1Njc4_OmFiY2Rl';
    const line = logged((logger) => logger.warn(`edit failed for /webhooks/1200000000000000002/${dotted}/messages/@original and /interactions/1200000000000000002/${dotted}/callback`));
    expect(line).not.toContain('NDU2Nzg5MDEy');
    expect(JSON.parse(line)).toMatchObject({
      msg: 'edit failed for /webhooks/1200000000000000002/[redacted]/messages/@original and /interactions/1200000000000000002/[redacted]/callback',
    });
  });

  it("a token in any field's text, however nested, is redacted by pattern: a prompt quoting what someone pasted in chat", () => {
    const pasted = `my webhook is https://discord.com/api/webhooks/1200000000000000001/${WEBHOOK_TOKEN}`;
    const prompt = { system: 'Be kind.', turns: [{ role: 'user', text: `<<<Alice: ${pasted}>>>` }] };
    const line = logged((logger) => logger.debug({ persona: 'Joy', prompt, raw: `Never share /interactions/1200000000000000002/${INTERACTION_TOKEN}/callback!` }, 'prompt'));
    expect(expectNoSecrets(line)).toMatchObject({
      persona: 'Joy',
      prompt: { system: 'Be kind.', turns: [{ role: 'user', text: '<<<Alice: my webhook is https://discord.com/api/webhooks/1200000000000000001/[redacted]>>>' }] },
      raw: 'Never share /interactions/1200000000000000002/[redacted]/callback!',
    });
    // The caller's object is left as it was.
    expect(prompt.turns[0]!.text).toContain(WEBHOOK_TOKEN);
  });
});

/** An OAuth2 access token as Discord issues them: one part, no dots, so no bot token pattern matches it. */
const BEARER_CREDENTIAL = 'x7Qm2Rk9Vt4Wb8Yc1Zd5Af3Bg6Ch0Dj';
/** A bot token in a shape the bot token pattern does not know (one part): only its header gives it away. */
const BOT_CREDENTIAL = 'NzkyNzE1NDU0MTk2MDg4ODQyX0J5ZGFiY2RlZmdoaWprbG1u';

describe('an Authorization header in the logs keeps its scheme and loses its credential', () => {
  it.each([
    ['Bearer', BEARER_CREDENTIAL],
    ['Bot', BOT_CREDENTIAL],
  ])('a `%s` header quoted in a log message', (scheme, credential) => {
    const line = logged((logger) => logger.warn(`request refused; sent Authorization: ${scheme} ${credential}`));
    expect(line).not.toContain(credential);
    expect(JSON.parse(line)).toMatchObject({ msg: `request refused; sent Authorization: ${scheme} [redacted]` });
  });

  it.each([
    ['Bearer', BEARER_CREDENTIAL],
    ['Bot', BOT_CREDENTIAL],
  ])("a `%s` header quoted in an error's message, and so in its stack, under err and under another key", (scheme, credential) => {
    const error = new Error(`401 with headers {"Authorization":"${scheme} ${credential}"}`);
    expect(error.stack).toContain(credential);
    // pino's err serializer and feelbot's own for errors under other keys are two ways in.
    for (const key of ['err', 'problem']) {
      const line = logged((logger) => logger.error({ [key]: error }, 'request failed'));
      expect(line).not.toContain(credential);
      const serialized = (JSON.parse(line) as Record<string, { message: string; stack: string }>)[key]!;
      expect(serialized.message).toBe(`401 with headers {"Authorization":"${scheme} [redacted]"}`);
      expect(serialized.stack).toContain(`"Authorization":"${scheme} [redacted]"`);
    }
  });
});
