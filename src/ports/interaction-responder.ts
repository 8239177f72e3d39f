import { isFeelbotError } from '../errors.js';
import type { JobHold } from '../jobs/job-hold.js';

export interface ResponseFile {
  readonly name: string;
  readonly data: Buffer;
  readonly contentType: string;
}

export interface InteractionEmbed {
  readonly author?: { readonly name: string; readonly iconUrl?: string };
  readonly title?: string;
  readonly description?: string;
  readonly color?: number;
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly value: string; readonly inline?: boolean }>;
  readonly imageUrl?: string;
  readonly footer?: string;
}

export interface InteractionResponse {
  readonly content?: string;
  readonly embeds: readonly InteractionEmbed[];
  readonly files: readonly ResponseFile[];
}

/** Completes a deferred interaction through its webhook (the worker has no gateway connection). */
export interface InteractionResponder {
  editOriginal(applicationId: string, token: string, response: InteractionResponse): Promise<void>;
  /**
   * True once the deferred answer no longer shows "thinking…": an edit landed, maybe one whose
   * request failed after Discord had applied it (a 502). A private card an earlier call began
   * counts once it reached, or may have reached, its asker (never sent twice), and its public
   * placeholder is then removed; one Discord cannot have posted does not, so it is sent again.
   * Fails as `editOriginal` does.
   */
  hasAnswered(applicationId: string, token: string): Promise<boolean>;
  /**
   * Tells a public deferral's asker `answer` in a message only they see, and removes the public
   * "thinking…": a text for a failure the channel need not see, or the whole answer (a /feel card
   * and its files) for a channel whose replies were turned off. Stops at the first request that
   * fails, which fails as `editOriginal` does; a failed private text first leaves itself in the
   * public "thinking…", unless the token was refused, but a failed private answer never does: it
   * leaves a note that its answer went to its asker, which `hasAnswered` finishes or sends again.
   * A card is begun only while `hold` (the run's, where a worker runs it) holds its job, its note
   * written under the job's lock: else it fails JOB_LOST having sent nothing, for the job's next
   * holder to answer. One noted in time is sent even if the job is lost after: that holder sends none.
   */
  answerPrivately(applicationId: string, token: string, answer: string | InteractionResponse, hold?: Partial<JobHold>): Promise<void>;
}

/**
 * True when a responder's request failed because the interaction token no longer works (its 15
 * minutes are over): every later request with it fails the same way, and counts toward Discord's
 * limit on refused requests. A responder marks such an error with `details.interactionTokenExpired`.
 */
export function isInteractionTokenExpired(error: unknown): boolean {
  return isFeelbotError(error) && error.details.interactionTokenExpired === true;
}
