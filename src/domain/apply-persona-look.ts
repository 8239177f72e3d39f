import { isPostableAvatarUrl } from './avatar-url.js';
import type { PersonaLook } from './guild-settings.js';
import type { Persona } from './persona.js';
import { isAllowedWebhookName } from './webhook-name.js';

/**
 * The persona as one guild shows it: its own name and avatar where its admins set them. A stored
 * name or avatar URL Discord would refuse (set before the settings command checked for "clyde",
 * or for a host with a dot) is passed over, so that the persona still speaks, with its own.
 */
export function applyPersonaLook(persona: Persona, look: PersonaLook | undefined): Persona {
  if (!look) return persona;
  const name = look.name !== undefined && isAllowedWebhookName(look.name) ? look.name : undefined;
  const avatar = look.avatarUrl !== undefined && isPostableAvatarUrl(look.avatarUrl) ? look.avatarUrl : undefined;
  return { ...persona, ...(name ? { name } : {}), ...(avatar ? { avatar } : {}) };
}
