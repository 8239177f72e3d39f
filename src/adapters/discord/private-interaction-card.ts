import type { JobHold } from '../../jobs/job-hold.js';
import { mayHavePosted } from '../../jobs/post-unconfirmed.js';
import type { InteractionResponse } from '../../ports/interaction-responder.js';
import type { FollowUpState, PrivateFollowUps } from '../../ports/private-follow-ups.js';
import { noteCardSending } from './card-note-while-held.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';
import { asAnswerError } from './interaction-answer-error.js';
import { interactionKey } from './interaction-key.js';
import type { InteractionWebhookMessages } from './interaction-webhook-messages.js';
import { asUnconfirmedPost } from './unconfirmed-post.js';

/**
 * What others see, for a moment, of a public deferral whose card goes to its asker alone (its
 * channel's replies were turned off): true while the card is on its way as once it arrived, and,
 * unlike the failure's note, it tells a later attempt that a card was begun and not finished.
 */
export const PRIVATE_CARD_NOTE = 'The answer went to the person who asked: replies are off here.';

/**
 * A failed card leaves the placeholder's own note (it goes privately because its channel's
 * replies are off, so it is never shown there), and its follow-up noted as far as it got: a
 * later attempt's hasAnswered then sends it again only where Discord cannot have posted it.
 * A run that lost its job (`hold`) before its note sends nothing: JOB_LOST.
 */
export async function sendCardPrivately(
  messages: InteractionWebhookMessages,
  followUps: PrivateFollowUps | undefined,
  applicationId: string,
  token: string,
  card: InteractionResponse,
  hold: Partial<JobHold> = {},
): Promise<void> {
  const interaction = interactionKey(applicationId, token);
  await messages.editOriginal(applicationId, token, { content: PRIVATE_CARD_NOTE, embeds: [], files: [] });
  await noteCardSending(followUps, interaction, hold);
  await messages.postFollowUp(applicationId, token, card).catch(async (error: unknown) => {
    const what = 'the private answer to the interaction';
    const unconfirmed = asUnconfirmedPost(error, what);
    if (mayHavePosted(unconfirmed)) throw unconfirmed;
    // Discord refused it, or it never got there: the next attempt sends it. A note left behind only withholds it.
    await followUps?.forget(interaction).catch(() => undefined);
    throw asAnswerError(error, what);
  });
  // Left at 'sending', a later attempt still never sends the card again, which is all this note is for.
  await followUps?.note(interaction, 'sent').catch(() => undefined);
  await removePlaceholder(messages, applicationId, token);
}

/**
 * A placeholder still showing the card's note: an earlier attempt began a private card and did
 * not finish. One Discord cannot have posted is to be sent again (false); one it did or may have
 * posted is never sent twice, and its placeholder goes, as that attempt's last step would have done.
 */
export async function finishBegunCard(
  messages: InteractionWebhookMessages,
  followUps: PrivateFollowUps | undefined,
  applicationId: string,
  token: string,
): Promise<boolean> {
  // Without a place where follow-ups are noted, a begun card's fate is unknown: read as may-have-posted.
  const state: FollowUpState | undefined = followUps ? await followUps.stateOf(interactionKey(applicationId, token)) : 'sending';
  if (state === undefined) return false;
  await removePlaceholder(messages, applicationId, token);
  return true;
}

/** A placeholder already gone (a delete Discord applied before answering 502, then repeated) is as good as removed. */
async function removePlaceholder(messages: InteractionWebhookMessages, applicationId: string, token: string): Promise<void> {
  await messages.deleteOriginal(applicationId, token).catch((error: unknown) => {
    if (hasDiscordCode(error, DiscordCodes.UnknownMessage)) return;
    throw asAnswerError(error, 'removing the public placeholder of the interaction');
  });
}
