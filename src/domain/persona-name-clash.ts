import { applyPersonaLook } from './apply-persona-look.js';
import { EMOTIONS, type Emotion } from './emotions.js';
import type { GuildSettings } from './guild-settings.js';
import type { PersonaSet } from './persona.js';
import { readsAsSameWebhookName } from './webhook-name.js';

/** Another persona a look's name would pass for in a server. */
export interface PersonaNameClash {
  readonly emotion: Emotion;
  /** Its name the look's name reads as. */
  readonly name: string;
  /** True when the server shows it under that name now; false when it is the operator's name for it, shown again after a reset_look. */
  readonly shown: boolean;
}

/**
 * The other persona that `name`, given to `emotion`'s look, would read as: one the server shows
 * under it, or one the operator named so. Members read the name a reply is posted under, and a
 * prompt takes an unnoted persona message posted under a persona's name for that persona's own,
 * so two personas under one name would put one's words in the other's mouth. The operator's name
 * for `emotion` is always its own to take back. Undefined when there is no clash.
 */
export function personaNameClash(emotion: Emotion, name: string, personas: PersonaSet, looks: GuildSettings['personaLooks']): PersonaNameClash | undefined {
  if (readsAsSameWebhookName(name, personas[emotion].name)) return undefined;
  for (const other of EMOTIONS) {
    if (other === emotion) continue;
    const shownAs = applyPersonaLook(personas[other], looks[other]).name;
    if (readsAsSameWebhookName(name, shownAs)) return { emotion: other, name: shownAs, shown: true };
    if (readsAsSameWebhookName(name, personas[other].name)) return { emotion: other, name: personas[other].name, shown: false };
  }
  return undefined;
}
