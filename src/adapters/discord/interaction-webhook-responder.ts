import { DiscordAPIError, MessageFlags, Routes, type APIMessage, type REST } from 'discord.js';
import { isFeelbotError, FeelbotError } from '../../errors.js';
import { isInteractionTokenExpired, type InteractionEmbed, type InteractionResponder, type InteractionResponse } from '../../ports/interaction-responder.js';
import { DiscordCodes } from './discord-error-codes.js';
import { asDiscordRequestError } from './discord-request-error.js';
import { onceOnlyCopy } from './once-only-rest.js';
import { NO_PINGS } from './webhook-replier.js';

/** What others see, for a moment, of a public deferral answered privately: its asker gets the answer in a message of their own. */
export const PUBLIC_PLACEHOLDER_NOTE = 'This analysis could not be made.';

export interface InteractionWebhookResponderOptions {
  /**
   * Sends the private follow-up, a post: repeated by the client after a 5xx or a timeout, a notice
   * Discord had posted would appear twice. Defaults to a once-only copy of the responder's client,
   * made once per responder.
   */
  readonly postRest?: REST;
}

/**
 * PATCH (and GET, DELETE) /webhooks/{application}/{token}/messages/@original, with attachments as
 * multipart, and POST /webhooks/{application}/{token} for a follow-up.
 */
export class InteractionWebhookResponder implements InteractionResponder {
  private readonly postRest: REST;

  constructor(
    private readonly rest: REST,
    options: InteractionWebhookResponderOptions = {},
  ) {
    this.postRest = options.postRest ?? onceOnlyCopy(rest);
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
    const original = (await this.rest.get(Routes.webhookMessage(applicationId, token, '@original'), { auth: false }).catch((error: unknown) => {
      throw asAnswerError(error, 'reading the answer to the interaction');
    })) as Pick<APIMessage, 'flags' | 'content' | 'embeds' | 'attachments'>;
    // A deferred answer is a message flagged Loading, with nothing in it, until it is edited.
    const loading = ((original.flags ?? 0) & MessageFlags.Loading) !== 0;
    const empty = !original.content && (original.embeds ?? []).length === 0 && (original.attachments ?? []).length === 0;
    return !loading && !empty;
  }

  /**
   * Discord cannot make a public message ephemeral, and reads the first follow-up to a deferral as
   * the deferral's own answer, public like it: so the placeholder is resolved by an edit first, the
   * answer follows privately, and the placeholder goes. A failed step ends it and fails (a refused
   * token would refuse the next ones too; after a failed edit a follow-up would be public), but a
   * failed text first leaves its notice in the placeholder. A failed card leaves the placeholder's
   * own note: it goes privately because its channel's replies are off, so it is never shown there.
   */
  async answerPrivately(applicationId: string, token: string, answer: string | InteractionResponse): Promise<void> {
    const response: InteractionResponse = typeof answer === 'string' ? { content: answer, embeds: [], files: [] } : answer;
    await this.editOriginal(applicationId, token, { content: PUBLIC_PLACEHOLDER_NOTE, embeds: [], files: [] });
    await this.postRest
      .post(Routes.webhook(applicationId, token), {
        auth: false,
        body: { ...messageBody(response), flags: MessageFlags.Ephemeral },
        files: apiFiles(response),
      })
      .catch(async (error: unknown) => {
        const failed = asAnswerError(error, 'the private answer to the interaction');
        if (typeof answer === 'string') await this.tellInPlaceholder(applicationId, token, answer, failed);
        throw failed;
      });
    await this.rest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false }).catch((error: unknown) => {
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
