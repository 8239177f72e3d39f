import { DiscordAPIError, RateLimitError, Routes, type REST } from 'discord.js';
import type { Logger } from '../../ports/logger.js';
import type { TypingIndicator } from '../../ports/typing-indicator.js';

/** Discord shows "typing" for about 10 seconds per call, so renew a little sooner. */
const TYPING_RENEW_MS = 8_000;

export interface TypingIndicatorOptions {
  /** How often "typing" is renewed while the reply is written. */
  readonly renewMs?: number;
}

export class DiscordTypingIndicator implements TypingIndicator {
  private readonly renewMs: number;

  constructor(
    private readonly rest: REST,
    private readonly logger: Logger,
    options: TypingIndicatorOptions = {},
  ) {
    this.renewMs = options.renewMs ?? TYPING_RENEW_MS;
  }

  start(channelId: string): () => void {
    const timer = setInterval(() => send(), this.renewMs);
    const stop = () => clearInterval(timer);
    // A renewal waits for the answer before it: a slow refusal would otherwise be asked for twice.
    let asking = false;
    const send = () => {
      if (asking) return;
      asking = true;
      this.rest
        .post(Routes.channelTyping(channelId))
        .catch((error: unknown) => {
          // Typing is a courtesy; a failure must not fail the reply. A refusal (no Send Messages
          // there, say) would be refused again at every renewal, and each one counts toward
          // Discord's ban for invalid requests, so it is not asked again for this reply.
          const refused = isRefusal(error);
          if (refused) stop();
          this.logger.debug({ err: error, channelId, renewing: !refused }, 'typing indicator failed');
        })
        .finally(() => (asking = false));
    };
    send();
    return stop;
  }
}

/** A 4xx, or a rate limit too long to wait out: asking again soon gets the same answer. */
function isRefusal(error: unknown): boolean {
  return error instanceof RateLimitError || (error instanceof DiscordAPIError && error.status >= 400 && error.status < 500);
}
