import { DiscordErrorCode, FakeApiError } from './api-error.js';

/**
 * Refuses, as Discord does, an execute whose `avatar_url` names a host without a dot
 * ("https://avatars/joy.png"): 400, 50035 Invalid Form Body, with the reason under `avatar_url`.
 */
export function checkAvatarUrl(body: Record<string, unknown>): void {
  const url = body.avatar_url;
  if (url === undefined || url === null) return;
  if (typeof url === 'string' && URL.canParse(url) && new URL(url).hostname.includes('.')) return;
  throw new FakeApiError(400, DiscordErrorCode.InvalidFormBody, 'Invalid Form Body', {
    avatar_url: { _errors: [{ code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }] },
  });
}
