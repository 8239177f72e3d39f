import { invalidFormBody } from './api-error.js';

/** What Discord accepts from a bot or webhook: 2,000 characters of content, 4,096 per embed description. */
const CONTENT_LIMIT = 2_000;
const EMBED_DESCRIPTION_LIMIT = 4_096;

/** Refuses, as Discord does with 50035 Invalid Form Body, a message body longer than Discord takes. */
export function checkSentContent(body: Record<string, unknown>): void {
  const { content, embeds } = body;
  if (typeof content === 'string' && [...content].length > CONTENT_LIMIT) {
    throw invalidFormBody(`Invalid Form Body: content: Must be ${CONTENT_LIMIT} or fewer in length.`);
  }
  if (!Array.isArray(embeds)) return;
  for (const embed of embeds as Array<{ description?: unknown }>) {
    if (typeof embed?.description === 'string' && [...embed.description].length > EMBED_DESCRIPTION_LIMIT) {
      throw invalidFormBody(`Invalid Form Body: embeds.description: Must be ${EMBED_DESCRIPTION_LIMIT} or fewer in length.`);
    }
  }
}
