import { answerFailedAnalysis } from '../jobs/answer-failed-analysis.js';
import { giveUpReply } from '../jobs/give-up-reply.js';
import type { InteractionResponder } from '../ports/interaction-responder.js';
import type { GiveUpHandler } from './job-worker.js';

/** What the worker does, per job name, once a job will not be tried again. */
export function giveUpHandlers(responder: InteractionResponder): Readonly<Record<string, GiveUpHandler>> {
  return {
    analysis: (data, error, log) => answerFailedAnalysis(data, error, responder, log),
    reply: giveUpReply,
  };
}
