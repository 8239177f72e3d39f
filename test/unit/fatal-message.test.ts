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

  it('any other error: an unexpected failure with its stack and the UNEXPECTED code, exit 1, with no token in it', () => {
    const failed = fatalMessage(new Error(`login failed with ${BOT_TOKEN}`));
    expect(failed.exitCode).toBe(1);
    expect(failed.text).toMatch(/^feelbot: unexpected failure\nError: login failed with \[redacted\]\n {4}at /);
    expect(failed.text).toMatch(/\n\(UNEXPECTED\)\n$/);
    expect(failed.text).not.toContain(BOT_TOKEN);
  });

  it('a stop signal that ended a command before it finished: its message and INTERRUPTED, exit 128 + the signal number as a shell gives', () => {
    const stopped = (signal: string) =>
      fatalMessage(new FeelbotError(ErrorCodes.Interrupted, `feelbot models was stopped by ${signal} before it finished.`, { userFacing: true, details: { signal } }));
    expect(stopped('SIGINT')).toEqual({ text: 'feelbot: feelbot models was stopped by SIGINT before it finished.\n(INTERRUPTED)\n', exitCode: 130 });
    expect(stopped('SIGTERM').exitCode).toBe(143);
  });

  it('a full disk a library ran into (ipull writing a model): what to free, DISK_FULL, and no stack trace', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const failed = fatalMessage(full);
    expect(failed.exitCode).toBe(1);
    expect(failed.text).toBe(
      'feelbot: the disk is full (ENOSPC: no space left on device, write). Free some space there (model downloads go to MODELS_DIR), then try again.\n(DISK_FULL)\n',
    );
  });
});
