import type { Emotion } from '../domain/emotions.js';
import type { GuildSettings } from '../domain/guild-settings.js';
import type { Persona, PersonaSet } from '../domain/persona.js';
import { applyPersonaLook } from '../domain/apply-persona-look.js';

/**
 * The persona a /feel card shows speaking, as the server's settings read just before answering
 * have it: none once an admin silenced the one that wrote the line (its line goes with it), and
 * otherwise shown with the look its server gives it now. No other persona is picked: its line
 * would have to be written first.
 */
export function cardSpeaker(chosen: Emotion | undefined, settingsNow: GuildSettings | undefined, personas: PersonaSet): Persona | undefined {
  if (!chosen || settingsNow?.disabledPersonas.includes(chosen)) return undefined;
  return applyPersonaLook(personas[chosen], settingsNow?.personaLooks[chosen]);
}
