import { createHash } from 'node:crypto';
import { DiscordAPIError, MessageFlags, Routes, type APIMessage, type REST } from 'discord.js';
import { isFeelbotError, FeelbotError } from '../../errors.js';
import { mayHavePosted } from '../../jobs/post-unconfirmed.js';
import { isInteractionTokenExpired, type InteractionEmbed, type InteractionResponder, type InteractionResponse } from '../../ports/interaction-responder.js';
import type { FollowUpState, PrivateFollowUps } from '../../ports/private-follow-ups.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';
import { asDiscordRequestError } from './discord-request-error.js';
import { onceOnlyCopy } from './once-only-rest.js';
import { asUnconfirmedPost } from './unconfirmed-post.js';
import { NO_PINGS } from './webhook-replier.js';

/** What others see, for a moment, of a public deferral whose failure is told privately: its asker gets the notice in a message of their own. */
export const PUBLIC_PLACEHOLDER_NOTE = 'This analysis could not be made.';

/**
 * What others see, for a moment, of a public deferral whose card goes to its asker alone (its
 * channel's replies were turned off): true while the card is on its way as once it arrived, and,
 * unlike the failure's note, it tells a later attempt that a card was begun and not finished.
 */
export const PRIVATE_CARD_NOTE = 'The answer went to the person who asked: replies are off here.';

/** What the responder reads of the deferral's own message. */
type OriginalMessage = Pick<APIMessage, 'flags' | 'content' | 'embeds' | 'attachments'>;

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

/**
 * PATCH (and GET, DELETE) /webhooks/{application}/{token}/messages/@original, with attachments as
 * multipart, and POST /webhooks/{application}/{token} for a follow-up.
 */
export class InteractionWebhookResponder implements InteractionResponder {
  private readonly postRest: REST;
  private readonly followUps: PrivateFollowUps | undefined;

  constructor(
    private readonly rest: REST,
    options: InteractionWebhookResponderOptions = {},
  ) {
    this.postRest = options.postRest ?? onceOnlyCopy(rest);
    this.followUps = options.followUps;
  }

  async editOriginal(applicationId: string, token: string, response: InteractionResponse): Promise<void> {
    await this.rest.patch(Routes.webhookMessage(applicationId, token, '@original'), {
      auth: false,
      body: {
        ...messageBody(response),
        // No preview card for a link in the text. Discord hides a suppressed message's own embeds
        // too, so an answer made of embeds (whose text never unfurls) goes without the flag.
        ...(response.embeds.length === 0 ? { flags: MessageFlags.SuppressEmbeds } : {}),
      },
      files: apiFiles(response),
    }).catch((error: unknown) => {
      throw asAnswerError(error, 'the answer to the interaction');
    });
  }

  async hasAnswered(applicationId: string, token: string): Promise<boolean> {
    const original = await this.readOriginal(applicationId, token);
    if (original === 'removed') return true;
    // A deferred answer is a message flagged Loading, with nothing in it, until it is edited.
    const loading = ((original.flags ?? 0) & MessageFlags.Loading) !== 0;
    const empty = !original.content && (original.embeds ?? []).length === 0 && (original.attachments ?? []).length === 0;
    if (loading || empty) return false;
    return original.content === PRIVATE_CARD_NOTE ? this.finishBegunCard(applicationId, token) : true;
  }

  /**
   * Discord cannot make a public message ephemeral, and reads the first follow-up to a deferral as
   * the deferral's own answer, public like it: so the placeholder is resolved by an edit first, the
   * answer follows privately, and the placeholder goes. A failed step ends it and fails (a refused
   * token would refuse the next ones too; after a failed edit a follow-up would be public).
   */
  async answerPrivately(applicationId: string, token: string, answer: string | InteractionResponse): Promise<void> {
    if (typeof answer === 'string') await this.tellPrivately(applicationId, token, answer);
    else await this.sendCardPrivately(applicationId, token, answer);
  }

  /** A failed text first leaves its notice in the placeholder: its asker sees it in public rather than not at all. */
  private async tellPrivately(applicationId: string, token: string, content: string): Promise<void> {
    const response: InteractionResponse = { content, embeds: [], files: [] };
    await this.editOriginal(applicationId, token, { content: PUBLIC_PLACEHOLDER_NOTE, embeds: [], files: [] });
    await this.postFollowUp(applicationId, token, response).catch(async (error: unknown) => {
      const failed = asAnswerError(error, 'the private answer to the interaction');
      await this.tellInPlaceholder(applicationId, token, content, failed);
      throw failed;
    });
    await this.rest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false }).catch((error: unknown) => {
      throw asAnswerError(error, 'removing the public placeholder of the interaction');
    });
  }

  /**
   * A failed card leaves the placeholder's own note (it goes privately because its channel's
   * replies are off, so it is never shown there), and its follow-up noted as far as it got: a
   * later attempt's hasAnswered then sends it again only where Discord cannot have posted it.
   */
  private async sendCardPrivately(applicationId: string, token: string, card: InteractionResponse): Promise<void> {
    const interaction = interactionKey(applicationId, token);
    await this.editOriginal(applicationId, token, { content: PRIVATE_CARD_NOTE, embeds: [], files: [] });
    await this.followUps?.note(interaction, 'sending');
    await this.postFollowUp(applicationId, token, card).catch(async (error: unknown) => {
      const what = 'the private answer to the interaction';
      const unconfirmed = asUnconfirmedPost(error, what);
      if (mayHavePosted(unconfirmed)) throw unconfirmed;
      // Discord refused it, or it never got there: the next attempt sends it. A note left behind only withholds it.
      await this.followUps?.forget(interaction).catch(() => undefined);
      throw asAnswerError(error, what);
    });
    // Left at 'sending', a later attempt still never sends the card again, which is all this note is for.
    await this.followUps?.note(interaction, 'sent').catch(() => undefined);
    await this.removePlaceholder(applicationId, token);
  }

  private async postFollowUp(applicationId: string, token: string, response: InteractionResponse): Promise<void> {
    await this.postRest.post(Routes.webhook(applicationId, token), {
      auth: false,
      body: { ...messageBody(response), flags: MessageFlags.Ephemeral },
      files: apiFiles(response),
    });
  }

  /** The deferral's message, or 'removed' where a private answer's last step removed it (a delete Discord applied before answering 5xx). */
  private async readOriginal(applicationId: string, token: string): Promise<OriginalMessage | 'removed'> {
    try {
      return (await this.rest.get(Routes.webhookMessage(applicationId, token, '@original'), { auth: false })) as OriginalMessage;
    } catch (error) {
      // Gone with a private card's follow-up noted: removed by its last step. Gone otherwise (a moderator's delete): as before, a failure.
      if (hasDiscordCode(error, DiscordCodes.UnknownMessage) && (await this.followUps?.stateOf(interactionKey(applicationId, token))) !== undefined) return 'removed';
      throw asAnswerError(error, 'reading the answer to the interaction');
    }
  }

  /**
   * A placeholder still showing the card's note: an earlier attempt began a private card and did
   * not finish. One Discord cannot have posted is to be sent again (false); one it did or may have
   * posted is never sent twice, and its placeholder goes, as that attempt's last step would have done.
   */
  private async finishBegunCard(applicationId: string, token: string): Promise<boolean> {
    // Without a place where follow-ups are noted, a begun card's fate is unknown: read as may-have-posted.
    const state: FollowUpState | undefined = this.followUps ? await this.followUps.stateOf(interactionKey(applicationId, token)) : 'sending';
    if (state === undefined) return false;
    await this.removePlaceholder(applicationId, token);
    return true;
  }

  /** A placeholder already gone (a delete Discord applied before answering 502, then repeated) is as good as removed. */
  private async removePlaceholder(applicationId: string, token: string): Promise<void> {
    await this.rest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false }).catch((error: unknown) => {
      if (hasDiscordCode(error, DiscordCodes.UnknownMessage)) return;
      throw asAnswerError(error, 'removing the public placeholder of the interaction');
    });
  }

  /**
   * After a failed follow-up (which may or may not have been posted), the public placeholder says
   * `content` itself: its asker sees it in public rather than not at all. Not with a refused token.
   */
  private async tellInPlaceholder(applicationId: string, token: string, content: string, failed: unknown): Promise<void> {
    if (isInteractionTokenExpired(failed)) return;
    await this.editOriginal(applicationId, token, { content, embeds: [], files: [] }).catch(() => undefined);
  }
}

/** What an interaction's follow-up is noted under: never its token, which lets anyone answer it for 15 minutes. */
function interactionKey(applicationId: string, token: string): string {
  return createHash('sha256').update(`${applicationId}:${token}`).digest('hex').slice(0, 32);
}

/**
 * A failed request as asDiscordRequestError words it; one refused for a dead interaction token
 * (401, "Invalid Webhook Token") is marked so that nothing more is sent with that token.
 */
function asAnswerError(error: unknown, what: string): unknown {
  const failed = asDiscordRequestError(error, what);
  const tokenRefused = error instanceof DiscordAPIError && (error.status === 401 || error.code === DiscordCodes.InvalidWebhookToken);
  if (!tokenRefused || !isFeelbotError(failed)) return failed;
  return new FeelbotError(failed.code, failed.message, {
    cause: error,
    permanent: true,
    details: { ...failed.details, interactionTokenExpired: true },
  });
}

/** What an edit and a follow-up alike send of `response`: its text and cards, pinging nobody, and its files' names. */
function messageBody(response: InteractionResponse) {
  return {
    content: response.content ?? '',
    embeds: response.embeds.map(toApiEmbed),
    allowed_mentions: NO_PINGS,
    attachments: response.files.map((file, id) => ({ id, filename: file.name })),
  };
}

/** The files of `response` as the REST client sends them, as multipart. */
function apiFiles(response: InteractionResponse) {
  return response.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType }));
}

function toApiEmbed(embed: InteractionEmbed) {
  return {
    ...(embed.author ? { author: { name: embed.author.name, ...(embed.author.iconUrl ? { icon_url: embed.author.iconUrl } : {}) } } : {}),
    ...(embed.title ? { title: embed.title } : {}),
    ...(embed.description ? { description: embed.description } : {}),
    ...(embed.color === undefined ? {} : { color: embed.color }),
    ...(embed.fields ? { fields: embed.fields } : {}),
    ...(embed.imageUrl ? { image: { url: embed.imageUrl } } : {}),
    ...(embed.footer ? { footer: { text: embed.footer } } : {}),
  };
}
