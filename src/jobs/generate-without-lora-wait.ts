import { ErrorCodes, isFeelbotError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { GenerationRequest, GenerationResult, ReplyGenerator } from '../ports/reply-generator.js';

/**
 * Generates `request` on its LoRA adapter's context when a sequence of it is free, else at once on
 * the base context. A job waiting for a busy LoRA context would hold one of the worker's slots (as
 * many as the base context has sequences) while other personas' replies wait behind it. Without the
 * adapter the persona still speaks in its voice, from its prompt, as a persona without a LoRA does.
 */
export async function generateWithoutLoraWait(generator: ReplyGenerator, request: GenerationRequest, logger: Logger): Promise<GenerationResult> {
  if (request.loraPath === undefined) return generator.generate(request);
  try {
    return await generator.generate({ ...request, whenBusy: 'refuse' });
  } catch (error) {
    if (!isFeelbotError(error, ErrorCodes.LlmBusy)) throw error;
    logger.info({ code: error.code, loraPath: request.loraPath }, 'written on the base context: its LoRA context was busy');
    return generator.generate({ ...request, loraPath: undefined });
  }
}
