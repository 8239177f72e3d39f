import type { Message } from 'discord.js';
import { tailCharacters } from '../domain/cut-text.js';
import { MAX_MESSAGE_CHARS } from '../jobs/message-job.js';

/**
 * A message's text as a reply's context shows it: its text with mentions as names, or for the
 * bot's own DM replies (an embed with the persona as its author) the embed's text. One function
 * for both: the text a job's context was built with, and an edit's text, which replaces it as-is.
 * Mentions shown as names can make it longer than MAX_MESSAGE_CHARS: its newest words are kept.
 */
export function contextTextOf(message: Message): string {
  const text = message.cleanContent.trim() || (message.webhookId === null ? (message.embeds[0]?.description ?? '') : '');
  return tailCharacters(text, MAX_MESSAGE_CHARS);
}
