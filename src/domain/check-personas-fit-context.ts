import { ErrorCodes, FeelbotError } from '../errors.js';
import { ANALYSIS_LINE_MAX_TOKENS, buildAnalysisPrompt } from './build-analysis-prompt.js';
import { buildPrompt } from './build-prompt.js';
import { EMOTIONS } from './emotions.js';
import { messageRoom, MIN_MESSAGE_TOKENS } from './fit-prompt.js';
import type { Persona, PersonaSet } from './persona.js';

/** The context a persona must fit, as an operator reads it, and what makes it longer. */
export interface ContextLimit {
  readonly tokens: number;
  /** Defaults to `LLM_CONTEXT_SIZE=<tokens>`. */
  readonly described?: string;
  /** Defaults to raising LLM_CONTEXT_SIZE. */
  readonly remedy?: string;
}

/**
 * Fails at start-up when a persona's system text plus its reply tokens would leave the newest
 * message less than MIN_MESSAGE_TOKENS of the context: the model would answer a message it
 * cannot see. Checks the reply prompt and the /feel prompt, each with its own reply length.
 */
export function checkPersonasFitContext(personas: PersonaSet, limit: number | ContextLimit, countTokens: (text: string) => number): void {
  const context = typeof limit === 'number' ? { tokens: limit } : limit;
  for (const emotion of EMOTIONS) {
    const persona = personas[emotion];
    const reply = buildPrompt({ persona, context: [], message: { authorName: '', content: '' } });
    check(persona, 'a reply', reply.system, persona.sampling.maxTokens, context, countTokens);
    const analysis = buildAnalysisPrompt(persona, '', '');
    check(persona, 'a /feel line', analysis.system, ANALYSIS_LINE_MAX_TOKENS, context, countTokens);
  }
}

function check(persona: Persona, what: string, system: string, maxTokens: number, limit: ContextLimit, countTokens: (text: string) => number): void {
  const contextSize = limit.tokens;
  const room = messageRoom(system, contextSize - maxTokens, countTokens);
  if (room >= MIN_MESSAGE_TOKENS) return;
  const systemTokens = countTokens(system);
  const described = limit.described ?? `LLM_CONTEXT_SIZE=${contextSize}`;
  const remedy = limit.remedy ?? 'raise LLM_CONTEXT_SIZE';
  throw new FeelbotError(
    ErrorCodes.ConfigInvalid,
    `Persona ${persona.emotion} (${persona.name}) does not fit ${described} for ${what}: its system prompt takes ${systemTokens} tokens and maxTokens ${maxTokens}, leaving ${room} tokens for the message; at least ${MIN_MESSAGE_TOKENS} are needed. Shorten its systemPrompt or maxTokens, or ${remedy}.`,
    { userFacing: true, permanent: true, details: { persona: persona.emotion, contextSize, systemTokens, maxTokens, room, minimum: MIN_MESSAGE_TOKENS } },
  );
}
