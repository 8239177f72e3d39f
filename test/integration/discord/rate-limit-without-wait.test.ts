import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Routes, SnowflakeUtil, type REST } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UNSTATED_RATE_LIMIT_WAIT_MS, createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { asDiscordRequestError } from '../../../src/adapters/discord/discord-request-error.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import { createDiscordClient } from '../../../src/gateway/create-client.js';

/** Longer than any request that settles takes here; a request still unsettled by then is resending without end. */
const SETTLE_WITHIN_MS = 2_500;
const WEBHOOK_TOKEN = 'secret-webhook-token';

/**
 * Cloudflare's edge in front of Discord (an IP ban, error 1015): 429 with an HTML page and no
 * X-RateLimit-* headers, with `headers` (none, or a Retry-After the client cannot read).
 */
function startEdge(): { server: Server; sent: () => number; answerWith: (headers: OutgoingHttpHeaders) => void } {
  let sent = 0;
  let headers: OutgoingHttpHeaders = {};
  const server = createServer((_request, response) => {
    sent++;
    response.writeHead(429, { 'content-type': 'text/html', ...headers });
    response.end('<html><body>Error 1015: You are being rate limited</body></html>');
  });
  return {
    server,
    sent: () => sent,
    answerWith: (next) => {
      sent = 0;
      headers = next;
    },
  };
}

/** The request's outcome as feelbot sees it, or 'still sending' when it has not settled in time. */
async function settled(request: Promise<unknown>, what: string): Promise<unknown> {
  const outcome = request.then(
    () => 'resolved',
    (error: unknown) => asDiscordRequestError(error, what),
  );
  return Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('still sending'), SETTLE_WITHIN_MS))]);
}

function expectRateLimitedWithFloor(outcome: unknown): void {
  expect(isFeelbotError(outcome, ErrorCodes.DiscordRateLimited) ? outcome.details : outcome).toEqual({ retryAfterMs: UNSTATED_RATE_LIMIT_WAIT_MS });
}

describe('a 429 that names no wait (Cloudflare edge page, no Retry-After, no X-RateLimit-*)', () => {
  const edge = startEdge();
  let apiUrl = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => edge.server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(edge.server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => edge.server.close(() => resolve())));

  beforeEach(() => edge.answerWith({}));

  for (const repeatsFailedRequests of [true, false]) {
    it(`on the worker's client (repeatsFailedRequests ${repeatsFailedRequests}): a webhook post fails once with DISCORD_RATE_LIMITED and a ${UNSTATED_RATE_LIMIT_WAIT_MS / 1_000} s wait, instead of resending without end`, async () => {
      const rest = createDiscordRest(apiUrl, 'x'.repeat(10), { repeatsFailedRequests });
      const outcome = await settled(rest.post(Routes.webhook(SnowflakeUtil.generate().toString(), WEBHOOK_TOKEN), { body: { content: 'hi' }, auth: false }), 'the reply');

      expectRateLimitedWithFloor(outcome);
      expect((outcome as Error).message).not.toContain(WEBHOOK_TOKEN);
      expect(edge.sent()).toBe(1);
    });
  }

  it("on the worker's client: a Retry-After it cannot read as seconds (an HTTP date) is treated as naming no wait", async () => {
    edge.answerWith({ 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' });
    const rest = createDiscordRest(apiUrl, 'x'.repeat(10));
    const outcome = await settled(rest.get(Routes.channel('1')), 'the channel lookup');

    expectRateLimitedWithFloor(outcome);
    expect(edge.sent()).toBe(1);
  });

  describe("on the gateway's client", () => {
    let rest: REST;
    let destroy: () => Promise<void>;

    beforeAll(() => {
      const client = createDiscordClient(apiUrl);
      client.rest.setToken('x'.repeat(10));
      rest = client.rest;
      destroy = () => client.destroy();
    });

    afterAll(() => destroy());

    it("a /feel deferral fails at once with DISCORD_RATE_LIMITED, not by resending until Discord's 3 s are gone", async () => {
      const id = SnowflakeUtil.generate().toString();
      const outcome = await settled(rest.post(Routes.interactionCallback(id, 'tok'), { body: { type: 5 }, auth: false }), 'the deferral');

      expectRateLimitedWithFloor(outcome);
      expect(edge.sent()).toBe(1);
    });

    it('a request other than an interaction callback fails with DISCORD_RATE_LIMITED instead of resending without end', async () => {
      const outcome = await settled(rest.get(Routes.channel('1')), 'the channel lookup');

      expectRateLimitedWithFloor(outcome);
      expect(edge.sent()).toBe(1);
    });
  });
});

describe("Discord's own 429 whose Retry-After is 0 (a sub-second wait rounded down), with no X-RateLimit-Reset-After", () => {
  let server: Server;
  let sent = 0;
  let apiUrl = '';

  beforeAll(async () => {
    server = createServer((_request, response) => {
      sent++;
      if (sent === 1) {
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0', 'x-ratelimit-scope': 'shared' });
        response.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.2, global: false }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: '1' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is waited out, and the request goes through: a wait named as 0 is a wait named, not failed for a minute', async () => {
    const rest = createDiscordRest(apiUrl, 'x'.repeat(10));
    expect(await settled(rest.get(Routes.channel(SnowflakeUtil.generate().toString())), 'the channel lookup')).toBe('resolved');
    expect(sent).toBe(2);
  });
});
