import { replyModeFor, type GuildSettings } from '../domain/guild-settings.js';
import type { InteractionResponder, InteractionResponse } from '../ports/interaction-responder.js';
import type { AnalysisJob } from './analysis-job.js';
import type { JobHold } from './job-hold.js';

/** Where a /feel's answer went: in place of its "thinking…", or to its asker alone. */
export type AnswerDelivery = 'in-place' | 'privately';

/**
 * Whether a /feel deferred publicly may no longer be answered where it was asked: an admin turned
 * its channel, its thread's parent or the category off after the gateway deferred it. Never for a
 * DM or a user install's request in a server without the bot, to which no server's settings apply.
 */
export function placeTurnedOff(job: AnalysisJob, settingsNow: GuildSettings | undefined): boolean {
  return job.deferredPublicly === true && settingsNow !== undefined && replyModeFor(settingsNow, job) === 'off';
}

/**
 * Answers the /feel with `response`, as the server's settings read just before (`settingsNow`) let
 * it: in place, or, where its public "thinking…" now sits in a place turned off, in a message only
 * its asker sees, as the gateway would have answered it had the place been off already.
 */
export async function sendAnalysisAnswer(
  job: AnalysisJob,
  response: InteractionResponse,
  settingsNow: GuildSettings | undefined,
  responder: InteractionResponder,
  hold?: Partial<JobHold>,
): Promise<AnswerDelivery> {
  if (placeTurnedOff(job, settingsNow)) {
    await responder.answerPrivately(job.applicationId, job.token, response, hold);
    return 'privately';
  }
  await responder.editOriginal(job.applicationId, job.token, response);
  return 'in-place';
}
