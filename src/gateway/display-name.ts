import type { Message } from 'discord.js';
import { headChars } from '../domain/cut-text.js';

/** Discord's longest name; a job's author name is checked against it (message-job.ts). */
const MAX_NAME_CHARS = 100;

/**
 * The name the server shows for a message's author: their nickname there when their member is
 * cached (a message over the gateway brings it; cacheContextMembers fetches the rest), else their
 * global name, else their username.
 */
export function displayName(message: Message): string {
  return headChars(message.member?.displayName ?? message.author.displayName ?? message.author.username, MAX_NAME_CHARS) || 'someone';
}
