import type { AvatarStore } from '../adapters/files/avatar-store.js';
import { IMAGE_FORMATS } from '../adapters/files/image-type.js';
import { EMOTIONS } from '../domain/emotions.js';
import type { PersonaSet } from '../domain/persona.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';

/**
 * Fails at start-up when a persona's avatar is a local file that cannot be read or is no image
 * Discord takes (and no AVATAR_BASE_URL hosts it), listing every such persona. Otherwise the worker
 * would say it is ready, and each of that persona's replies in a DM, or in a channel without its
 * webhook yet, would be written and then fail for good.
 */
export async function checkAvatarFiles(personas: PersonaSet, avatars: AvatarStore, avatarBaseUrl: string | undefined): Promise<void> {
  const unreadable: Array<{ persona: string; name: string; reason: string }> = [];
  for (const emotion of EMOTIONS) {
    const persona = personas[emotion];
    if (avatars.publicUrl(persona, avatarBaseUrl)) continue;
    await avatars.image(persona).catch((error: unknown) => {
      if (!isFeelbotError(error, ErrorCodes.PersonaFileInvalid)) throw error;
      unreadable.push({ persona: emotion, name: persona.name, reason: error.message });
    });
  }
  if (unreadable.length === 0) return;
  const lines = unreadable.map(({ persona, name, reason }) => `Persona ${persona} (${name}): ${reason}`);
  throw new FeelbotError(
    ErrorCodes.PersonaFileInvalid,
    `${lines.join('\n')}\nFix the "avatar" in PERSONAS_FILE (a ${IMAGE_FORMATS} file: a name under assets/avatars/ or a path; or an https URL), or set AVATAR_BASE_URL where the images are hosted.`,
    { userFacing: true, permanent: true, details: { unreadable } },
  );
}
