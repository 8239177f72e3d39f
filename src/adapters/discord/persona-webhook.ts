import type { Persona } from '../../domain/persona.js';
import type { AvatarStore } from '../files/avatar-store.js';
import type { WebhookSpec } from './channel-webhooks.js';
import type { EmojiAvatars } from './emoji-avatars.js';

/** Webhook names are how feelbot recognises its own webhooks in a channel. */
const WEBHOOK_NAME_PREFIX = 'feelbot';

/** Where Discord can fetch the persona's avatar: its own URL, the operator's hosting, or the application's emoji of it. */
export async function personaAvatarUrl(
  persona: Persona,
  avatars: AvatarStore,
  avatarBaseUrl: string | undefined,
  emojiAvatars: EmojiAvatars | undefined,
): Promise<string | undefined> {
  return avatars.publicUrl(persona, avatarBaseUrl) ?? (await emojiAvatars?.urlFor(persona));
}

/**
 * The webhook a persona posts through: the channel's shared one when each post can carry the
 * avatar's URL, else one of the persona's own, created with its avatar image.
 */
export function personaWebhookSpec(persona: Persona, avatarUrl: string | undefined, avatars: AvatarStore): WebhookSpec {
  if (avatarUrl) {
    return { slot: 'shared', name: WEBHOOK_NAME_PREFIX };
  }
  return {
    slot: persona.emotion,
    name: `${WEBHOOK_NAME_PREFIX} ${persona.emotion}`,
    avatar: () => avatars.dataUri(persona),
  };
}
