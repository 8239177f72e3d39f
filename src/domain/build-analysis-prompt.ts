import type { Prompt } from './prompt.js';
import { buildPrompt } from './build-prompt.js';
import type { Persona } from './persona.js';

/** One short line for the /feel card: a reaction in character, not a conversation. */
export function buildAnalysisPrompt(persona: Persona, text: string, authorName: string): Prompt {
  const prompt = buildPrompt({ persona, context: [], message: { authorName, content: text } });
  return {
    system: `${prompt.system}\nNow answer with ONE short sentence (at most 25 words) reacting to how the quoted text feels.`,
    turns: prompt.turns,
  };
}

/** Short enough for one sentence of an embed. */
export const ANALYSIS_LINE_MAX_TOKENS = 60;
export const ANALYSIS_LINE_MAX_CHARS = 300;
