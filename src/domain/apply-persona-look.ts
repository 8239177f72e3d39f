import type { PersonaLook } from './guild-settings.js';
import type { Persona } from './persona.js';
import { isAllowedWebhookName } from './webhook-name.js';

/**
 * The persona as one guild shows it: its own name and avatar where its admins set them. A stored
 * name Discord would refuse (set before the settings command checked for "clyde") is passed over,
 * so that the persona still speaks, under its own name.
 */
export function applyPersonaLook(persona: Persona, look: PersonaLook | undefined): Persona {
  if (!look) return persona;
  const name = look.name !== undefined && isAllowedWebhookName(look.name) ? look.name : undefined;
  return { ...persona, ...(name ? { name } : {}), ...(look.avatarUrl ? { avatar: look.avatarUrl } : {}) };
}
