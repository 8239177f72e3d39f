import { errorCodeOf } from '../errors.js';
import type { InteractionResponder } from '../ports/interaction-responder.js';
import { AnalysisJobSchema } from './analysis-job.js';

/**
 * A `/feel` whose job failed for good still gets an answer, in place of the deferred "thinking…":
 * the error's code, never its message, which is for the logs. A job too malformed to hold an
 * interaction token cannot be answered.
 */
export async function answerFailedAnalysis(data: unknown, error: unknown, responder: InteractionResponder): Promise<void> {
  const job = AnalysisJobSchema.safeParse(data);
  if (!job.success) return;
  await responder.editOriginal(job.data.applicationId, job.data.token, {
    content: `Sorry, the analysis failed (${errorCodeOf(error)}). Please try again in a moment.`,
    embeds: [],
    files: [],
  });
}
