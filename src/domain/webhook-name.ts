/** Discord's limits on a webhook's name, which also bind the username a webhook message posts under. */
export const WEBHOOK_NAME_MAX_CHARS = 80;

/** Discord refuses a webhook name or username that contains either word, in any case (400 Invalid Form Body). */
const FORBIDDEN_IN_WEBHOOK_NAMES = /discord|clyde/i;

export const WEBHOOK_NAME_RULE = `1 to ${WEBHOOK_NAME_MAX_CHARS} characters, without "discord" or "clyde"`;

export function isAllowedWebhookName(name: string): boolean {
  return name.length >= 1 && name.length <= WEBHOOK_NAME_MAX_CHARS && !FORBIDDEN_IN_WEBHOOK_NAMES.test(name);
}
