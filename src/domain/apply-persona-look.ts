import type { PersonaLook } from './guild-settings.js';
import type { Persona } from './persona.js';

/** The persona as one guild shows it: its own name and avatar where its admins set them. */
export function applyPersonaLook(persona: Persona, look: PersonaLook | undefined): Persona {
  if (!look) return persona;
  return { ...persona, ...(look.name ? { name: look.name } : {}), ...(look.avatarUrl ? { avatar: look.avatarUrl } : {}) };
}
