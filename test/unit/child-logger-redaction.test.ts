import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';

/** Made up, in the shape of a bot token: base64 user id, timestamp part, HMAC. */
const BOT_TOKEN = 'MTIwMDAwMDAwMDAwMDAwMDAwMQ.GaBcDe.q1W2e3R4t5Y6u7I8o9P0a1S2d3F4g5H6j7K8l9';
const WEBHOOK_TOKEN = 'Wq3xVb9_kLm2Np4Rs6Tu8Vw0Xy1Za3Bc5De7Fg9Hi1Jk3Lm5No7Pq9Rs1Tu3Vw5Xy7';

/** The lines a real logger writes, as written. */
function capture() {
  const lines: string[] = [];
  return { logger: createLogger('debug', 'test', { write: (line: string) => void lines.push(line) }), lines };
}

describe("a child logger's bindings never print a token", () => {
  it('a bot token bound to a child, and a webhook URL bound deeper, to a grandchild', () => {
    const { logger, lines } = capture();
    const child = logger.child({ session: `Bot ${BOT_TOKEN}`, raw: BOT_TOKEN });
    child.info('connected');
    child.child({ target: { url: `https://discord.com/api/webhooks/1200000000000000001/${WEBHOOK_TOKEN}` } }).warn('posting');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(BOT_TOKEN);
      expect(line).not.toContain(WEBHOOK_TOKEN);
    }
    // Redacted, not dropped: the rest of each binding is still there to read.
    expect(JSON.parse(lines[0]!)).toMatchObject({ session: 'Bot [redacted]', raw: '[redacted]', msg: 'connected' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ session: 'Bot [redacted]', target: { url: 'https://discord.com/api/webhooks/1200000000000000001/[redacted]' } });
  });

  it('a Discord error bound to a child loses its URL and request body, as one logged with a line does', () => {
    const { logger, lines } = capture();
    const url = `https://discord.com/api/v10/webhooks/1200000000000000001/${WEBHOOK_TOKEN}?wait=true`;
    const refused = new DiscordAPIError({ code: 10_015, message: 'Unknown Webhook' }, 10_015, 404, 'POST', url, { body: { token: WEBHOOK_TOKEN } });
    logger.child({ lastFailure: refused }).info('retrying');
    expect(lines[0]).not.toContain(WEBHOOK_TOKEN);
    expect(JSON.parse(lines[0]!)).toMatchObject({ lastFailure: { type: 'DiscordAPIError', code: 10_015, status: 404 } });
  });
});
