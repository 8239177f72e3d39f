import { Routes, type REST } from 'discord.js';
import type { Logger } from '../../ports/logger.js';
import type { TypingIndicator } from '../../ports/typing-indicator.js';

/** Discord shows "typing" for about 10 seconds per call, so renew a little sooner. */
const TYPING_RENEW_MS = 8_000;

export class DiscordTypingIndicator implements TypingIndicator {
  constructor(
    private readonly rest: REST,
    private readonly logger: Logger,
  ) {}

  start(channelId: string): () => void {
    const send = () => {
      this.rest.post(Routes.channelTyping(channelId)).catch((error: unknown) => {
        // Typing is a courtesy; a failure must not fail the reply.
        this.logger.debug({ err: error, channelId }, 'typing indicator failed');
      });
    };
    send();
    const timer = setInterval(send, TYPING_RENEW_MS);
    return () => clearInterval(timer);
  }
}
