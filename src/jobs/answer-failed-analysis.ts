import { z } from 'zod';
import { errorCodeOf } from '../errors.js';
import { isInteractionTokenExpired, type InteractionResponder } from '../ports/interaction-responder.js';
import type { Logger } from '../ports/logger.js';
import { AnalysisJobSchema } from './analysis-job.js';
import { tokenMsLeft } from './interaction-lifetime.js';
import { tellAsker } from './tell-asker.js';

/** Just what answering needs: a job that failed for being malformed (a wrong version, a text too long) still has these. */
const AnswerTargetSchema = z.object({
  applicationId: AnalysisJobSchema.shape.applicationId,
  token: z.string().min(1),
  // A malformed one is no reason to leave the user waiting: the token is then tried.
  receivedAt: z.number().optional().catch(undefined),
  // A malformed one is told in place, as a job from an older gateway is.
  deferredPublicly: AnalysisJobSchema.shape.deferredPublicly.catch(undefined),
});

/**
 * A `/feel` whose job failed for good still gets an answer, for its asker alone (see tellAsker):
 * the error's code, never its message, which is for the logs. Only a job without an application
 * id and interaction token cannot be answered; that is logged, as the user is left waiting.
 * An answer the user already sees (an edit Discord applied before answering 502, a job that stalled
 * after its edit) is kept, and a dead token is not sent to Discord again.
 */
export async function answerFailedAnalysis(data: unknown, error: unknown, responder: InteractionResponder, log: Logger): Promise<void> {
  const target = AnswerTargetSchema.safeParse(data);
  if (!target.success) {
    log.error({ code: errorCodeOf(error) }, 'the failed /feel cannot be answered: its job has no application id and token');
    return;
  }
  const { applicationId, token, receivedAt, deferredPublicly } = target.data;
  if (isInteractionTokenExpired(error) || (receivedAt !== undefined && tokenMsLeft(receivedAt) <= 0)) {
    log.warn({ code: errorCodeOf(error) }, 'the failed /feel cannot be answered: its interaction token has expired');
    return;
  }
  if (await responder.hasAnswered(applicationId, token)) {
    log.info({ code: errorCodeOf(error) }, 'the failed /feel keeps the answer an earlier attempt gave');
    return;
  }
  await tellAsker(responder, { applicationId, token, deferredPublicly }, `Sorry, the analysis failed (${errorCodeOf(error)}). Please try again in a moment.`);
}
