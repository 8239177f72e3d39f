import { MessageFlags, type REST } from 'discord.js';
import type { JobHold } from '../../jobs/job-hold.js';
import type { InteractionResponder, InteractionResponse } from '../../ports/interaction-responder.js';
import type { PrivateFollowUps } from '../../ports/private-follow-ups.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';
import { asAnswerError } from './interaction-answer-error.js';
import { interactionKey } from './interaction-key.js';
import { InteractionWebhookMessages, type OriginalMessage } from './interaction-webhook-messages.js';
import { onceOnlyCopy } from './once-only-rest.js';
import { finishBegunCard, PRIVATE_CARD_NOTE, sendCardPrivately } from './private-interaction-card.js';
import { tellPrivately } from './private-interaction-notice.js';

export { PRIVATE_CARD_NOTE } from './private-interaction-card.js';
export { PUBLIC_PLACEHOLDER_NOTE } from './private-interaction-notice.js';

export interface InteractionWebhookResponderOptions {
  /**
   * Sends the private follow-up, a post: repeated by the client after a 5xx or a timeout, a notice
   * Discord had posted would appear twice. Defaults to a once-only copy of the responder's client,
   * made once per responder.
   */
  readonly postRest?: REST;
  /**
   * Where a private card's follow-up is noted as it is sent, so that a later attempt (another
   * worker's, maybe) sends again a card that never reached Discord, and never one that did or may
   * have. Defaults to none, for a responder that sends no card (the gateway's): a begun card's
   * fate then reads as unknown, so it is never sent again.
   */
  readonly followUps?: PrivateFollowUps;
}

/** Answers an interaction through its webhook: in the deferral's own message, or privately in a follow-up. */
export class InteractionWebhookResponder implements InteractionResponder {
  private readonly messages: InteractionWebhookMessages;
  private readonly followUps: PrivateFollowUps | undefined;

  constructor(rest: REST, options: InteractionWebhookResponderOptions = {}) {
    this.messages = new InteractionWebhookMessages(rest, options.postRest ?? onceOnlyCopy(rest));
    this.followUps = options.followUps;
  }

  async editOriginal(applicationId: string, token: string, response: InteractionResponse): Promise<void> {
    await this.messages.editOriginal(applicationId, token, response);
  }

  async hasAnswered(applicationId: string, token: string): Promise<boolean> {
    const original = await this.readOriginal(applicationId, token);
    if (original === 'removed') return true;
    // A deferred answer is a message flagged Loading, with nothing in it, until it is edited.
    const loading = ((original.flags ?? 0) & MessageFlags.Loading) !== 0;
    const empty = !original.content && (original.embeds ?? []).length === 0 && (original.attachments ?? []).length === 0;
    if (loading || empty) return false;
    return original.content === PRIVATE_CARD_NOTE ? finishBegunCard(this.messages, this.followUps, applicationId, token) : true;
  }

  /**
   * Discord cannot make a public message ephemeral, and reads the first follow-up to a deferral as
   * the deferral's own answer, public like it: so the placeholder is resolved by an edit first, the
   * answer follows privately, and the placeholder goes. A failed step ends it and fails (a refused
   * token would refuse the next ones too; after a failed edit a follow-up would be public).
   */
  async answerPrivately(applicationId: string, token: string, answer: string | InteractionResponse, hold: Partial<JobHold> = {}): Promise<void> {
    if (typeof answer === 'string') await tellPrivately(this.messages, applicationId, token, answer);
    else await sendCardPrivately(this.messages, this.followUps, applicationId, token, answer, hold);
  }

  /** The deferral's message, or 'removed' where a private answer's last step removed it (a delete Discord applied before answering 5xx). */
  private async readOriginal(applicationId: string, token: string): Promise<OriginalMessage | 'removed'> {
    try {
      return await this.messages.getOriginal(applicationId, token);
    } catch (error) {
      // Gone with a private card's follow-up noted: removed by its last step. Gone otherwise (a moderator's delete): as before, a failure.
      if (hasDiscordCode(error, DiscordCodes.UnknownMessage) && (await this.followUps?.stateOf(interactionKey(applicationId, token))) !== undefined) return 'removed';
      throw asAnswerError(error, 'reading the answer to the interaction');
    }
  }
}
