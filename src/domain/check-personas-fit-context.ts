import { ErrorCodes, FeelbotError } from '../errors.js';
import { ANALYSIS_LINE_MAX_TOKENS, buildAnalysisPrompt } from './build-analysis-prompt.js';
import { buildPrompt } from './build-prompt.js';
import { EMOTIONS } from './emotions.js';
import { messageRoom, MIN_MESSAGE_TOKENS } from './fit-prompt.js';
import type { Persona, PersonaSet } from './persona.js';
import type { Prompt } from './prompt.js';

/** The context a persona must fit, as an operator reads it, and what makes it longer. */
export interface ContextLimit {
  readonly tokens: number;
  /** Defaults to `LLM_CONTEXT_SIZE=<tokens>`. */
  readonly described?: string;
  /** Defaults to raising LLM_CONTEXT_SIZE. */
  readonly remedy?: string;
}

/** How the model counts: a text alone, and a whole prompt as its chat template renders it. */
interface Counters {
  readonly countTokens: (text: string) => number;
  readonly countPrompt: ((prompt: Prompt) => number) | undefined;
}

/**
 * Fails at start-up when a persona's system text plus its reply tokens would leave the newest
 * message less than MIN_MESSAGE_TOKENS of the context: the model would answer a message it
 * cannot see. Checks the reply prompt and the /feel prompt, each with its own reply length.
 *
 * `countPrompt` measures a whole prompt as the model reads it, as the generator's fitPrompt does:
 * the chat template's markup it finds around the system text and a message is what every reply
 * pays, so whatever this accepts, a reply fits. Without it, the markup is fitPrompt's guess.
 */
export function checkPersonasFitContext(
  personas: PersonaSet,
  limit: number | ContextLimit,
  countTokens: (text: string) => number,
  countPrompt?: (prompt: Prompt) => number,
): void {
  const context = typeof limit === 'number' ? { tokens: limit } : limit;
  const counters = { countTokens, countPrompt };
  for (const emotion of EMOTIONS) {
    const persona = personas[emotion];
    const reply = buildPrompt({ persona, context: [], message: { authorName: '', content: '' } });
    check(persona, 'a reply', reply, persona.sampling.maxTokens, context, counters);
    const analysis = buildAnalysisPrompt(persona, '', '');
    check(persona, 'a /feel line', analysis, ANALYSIS_LINE_MAX_TOKENS, context, counters);
  }
}

function check(persona: Persona, what: string, prompt: Prompt, maxTokens: number, limit: ContextLimit, counters: Counters): void {
  const contextSize = limit.tokens;
  const { system } = prompt;
  const room = messageRoom(system, contextSize - maxTokens, counters.countTokens, templateMarkup(prompt, counters));
  if (room >= MIN_MESSAGE_TOKENS) return;
  const systemTokens = counters.countTokens(system);
  const markupTokens = contextSize - maxTokens - systemTokens - room;
  const described = limit.described ?? `LLM_CONTEXT_SIZE=${contextSize}`;
  const remedy = limit.remedy ?? 'raise LLM_CONTEXT_SIZE';
  throw new FeelbotError(
    ErrorCodes.ConfigInvalid,
    `Persona ${persona.emotion} (${persona.name}) does not fit ${described} for ${what}: its system prompt takes ${systemTokens} tokens, the chat template's markup ${markupTokens} and maxTokens ${maxTokens}, leaving ${room} tokens for the message; at least ${MIN_MESSAGE_TOKENS} are needed. Shorten its systemPrompt or maxTokens, or ${remedy}.`,
    { userFacing: true, permanent: true, details: { persona: persona.emotion, contextSize, systemTokens, markupTokens, maxTokens, room, minimum: MIN_MESSAGE_TOKENS } },
  );
}

/** The tokens the chat template adds to `prompt`'s texts, where the whole prompt can be counted. */
function templateMarkup(prompt: Prompt, { countTokens, countPrompt }: Counters): number | undefined {
  if (!countPrompt) return undefined;
  const texts = prompt.turns.reduce((sum, turn) => sum + countTokens(turn.text), countTokens(prompt.system));
  return countPrompt(prompt) - texts;
}
