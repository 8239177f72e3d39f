import { DiscordAPIError } from 'discord.js';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';

const WEBHOOK_TOKEN = 'Wq3xVb9_kLm2Np4Rs6Tu8Vw0Xy1Za3Bc5De7Fg9Hi1Jk3Lm5No7Pq9Rs1Tu3Vw5Xy7';

function refusedWebhookPost(): DiscordAPIError {
  const url = `https://discord.com/api/v10/webhooks/1200000000000000001/${WEBHOOK_TOKEN}?wait=true`;
  return new DiscordAPIError({ code: 10_015, message: 'Unknown Webhook' }, 10_015, 404, 'POST', url, { body: { content: 'hi' } });
}

function logged(fields: Record<string, unknown>): string {
  const lines: string[] = [];
  createLogger('debug', 'test', { write: (line: string) => void lines.push(line) }).warn(fields, 'some posts failed');
  return lines[0]!;
}

// An error is cleaned wherever a log line keeps it, not only under `err` or a few objects deep:
// left whole, pino writes its request URL, where a webhook's token sits.
it('a Discord error inside an array of objects is logged without its webhook token, its message kept', () => {
  const line = logged({ attempts: [{ persona: 'joy', error: refusedWebhookPost() }] });
  expect(line).not.toContain(WEBHOOK_TOKEN);
  expect(line).toContain('Unknown Webhook');
});

it('a Discord error four objects deep is logged without its webhook token, its message kept', () => {
  const line = logged({ job: { post: { webhook: { last: { error: refusedWebhookPost() } } } } });
  expect(line).not.toContain(WEBHOOK_TOKEN);
  expect(line).toContain('Unknown Webhook');
});
