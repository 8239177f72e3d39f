/**
 * Whether a normalised text names its feeling with a feel-word ("i feel …", "feeling", "felt").
 * dair-ai's sentences nearly all do; most chat, self-reports ("when my father shouted at me") and
 * dialogue do not, and a model folder can route those to a second reader trained for them.
 * Mirrors FEEL_WORD in training/feelbot_train/self_reports.py.
 */
const FEEL_WORD = /\b(feel|feels|feeling|feelings|feelin|felt)\b/;

export function namesAFeeling(normalizedText: string): boolean {
  return FEEL_WORD.test(normalizedText);
}
