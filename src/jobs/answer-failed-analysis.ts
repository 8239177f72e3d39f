import { z } from 'zod';
import { errorCodeOf } from '../errors.js';
import type { InteractionResponder } from '../ports/interaction-responder.js';
import type { Logger } from '../ports/logger.js';
import { AnalysisJobSchema } from './analysis-job.js';

/** Just what answering needs: a job that failed for being malformed (a wrong version, a text too long) still has these. */
const AnswerTargetSchema = z.object({
  applicationId: AnalysisJobSchema.shape.applicationId,
  token: z.string().min(1),
});

/**
 * A `/feel` whose job failed for good still gets an answer, in place of the deferred "thinking…":
 * the error's code, never its message, which is for the logs. Only a job without an application
 * id and interaction token cannot be answered; that is logged, as the user is left waiting.
 */
export async function answerFailedAnalysis(data: unknown, error: unknown, responder: InteractionResponder, log: Logger): Promise<void> {
  const target = AnswerTargetSchema.safeParse(data);
  if (!target.success) {
    log.error({ code: errorCodeOf(error) }, 'the failed /feel cannot be answered: its job has no application id and token');
    return;
  }
  await responder.editOriginal(target.data.applicationId, target.data.token, {
    content: `Sorry, the analysis failed (${errorCodeOf(error)}). Please try again in a moment.`,
    embeds: [],
    files: [],
  });
}
