import type { Prompt } from './prompt.js';
import { buildPrompt } from './build-prompt.js';
import type { Persona } from './persona.js';

/**
 * One short line for the /feel card: a reaction in character, not a conversation. `characterNames`
 * are all the characters' names (the operator's personas), as a chat reply's prompt has them: with
 * the asker's tag they are the prompt's speakers, where generation stops and cleanReply cuts a line
 * the model goes on to write as someone else. Defaults to none (the asker alone).
 */
export function buildAnalysisPrompt(persona: Persona, text: string, authorName: string, characterNames: readonly string[] = []): Prompt {
  const prompt = buildPrompt({ persona, context: [], message: { authorName, content: text }, characterNames });
  return {
    system: `${prompt.system}\nNow answer with ONE short sentence (at most 25 words) reacting to how the quoted text feels.`,
    turns: prompt.turns,
    speakers: prompt.speakers,
  };
}

/** Short enough for one sentence of an embed. */
export const ANALYSIS_LINE_MAX_TOKENS = 60;
export const ANALYSIS_LINE_MAX_CHARS = 300;
