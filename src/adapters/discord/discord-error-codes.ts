import { DiscordAPIError } from 'discord.js';

/** The JSON error codes feelbot reacts to (Discord API, "JSON Error Codes"). */
export const DiscordCodes = {
  UnknownChannel: 10_003,
  UnknownMessage: 10_008,
  UnknownWebhook: 10_015,
  MaximumWebhooks: 30_007,
  MaximumGuildWebhooks: 30_058,
  MissingAccess: 50_001,
  MissingPermissions: 50_013,
  InvalidWebhookToken: 50_027,
  /** An execute without thread_id into a forum or media channel: the webhook was moved into one. */
  ForumWebhookNeedsThread: 220_001,
} as const;

export function hasDiscordCode(error: unknown, code: number): boolean {
  return error instanceof DiscordAPIError && error.code === code;
}
