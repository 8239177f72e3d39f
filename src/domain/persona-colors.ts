import { EMOTIONS, type Emotion } from './emotions.js';
import type { PersonaSet } from './persona.js';

/** Each emotion's colour, as charts draw it. */
export function chartColors(personas: PersonaSet): Record<Emotion, number> {
  return Object.fromEntries(EMOTIONS.map((emotion) => [emotion, personas[emotion].color])) as Record<Emotion, number>;
}
