import { describe, expect, it } from 'vitest';
import { fatalMessage } from '../../src/cli/fatal-message.js';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';

const WEBHOOK_TOKEN = 'Wq3xVb9_kLm2Np4Rs6Tu8Vw0Xy1Za3Bc5De7Fg9Hi1Jk3Lm5No7Pq9Rs1Tu3Vw5Xy7';
const BOT_TOKEN = 'MTIwMDAwMDAwMDAwMDAwMDAwMQ.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';

describe('what a failed command prints', () => {
  it("a user-facing error: its message and code, exit 1 (2 for a usage error), with no token in it", () => {
    const failed = fatalMessage(
      new FeelbotError(ErrorCodes.DiscordRequestFailed, `Discord refused https://discord.com/api/v10/webhooks/1200000000000000001/${WEBHOOK_TOKEN}`, { userFacing: true }),
    );
    expect(failed.exitCode).toBe(1);
    expect(failed.text).toContain('(DISCORD_REQUEST_FAILED)');
    expect(failed.text).toContain('/webhooks/1200000000000000001/[redacted]');
    expect(failed.text).not.toContain(WEBHOOK_TOKEN);
    expect(fatalMessage(new FeelbotError(ErrorCodes.UsageInvalid, 'Usage: feelbot eval <file>', { userFacing: true })).exitCode).toBe(2);
  });

  it('any other error: an unexpected failure with its stack, exit 1, with no token in it', () => {
    const failed = fatalMessage(new Error(`login failed with ${BOT_TOKEN}`));
    expect(failed.exitCode).toBe(1);
    expect(failed.text).toMatch(/^feelbot: unexpected failure\nError: login failed with \[redacted\]\n {4}at /);
    expect(failed.text).not.toContain(BOT_TOKEN);
  });
});
