import type { Message } from 'discord.js';
import { headCharacters } from '../domain/cut-text.js';
import { MAX_MESSAGE_CHARS } from '../jobs/message-job.js';

/**
 * A message's text as a reply's context shows it: its text with mentions as names, or for the
 * bot's own DM replies (an embed with the persona as its author) the embed's text. One function
 * for both: the text a job's context was built with, and an edit's text, which replaces it as-is.
 */
export function contextTextOf(message: Message): string {
  const text = message.cleanContent.trim() || (message.webhookId === null ? (message.embeds[0]?.description ?? '') : '');
  return headCharacters(text, MAX_MESSAGE_CHARS);
}
