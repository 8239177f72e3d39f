import { MessageFlags, Routes, type APIMessage, type REST } from 'discord.js';
import type { InteractionResponse } from '../../ports/interaction-responder.js';
import { asAnswerError } from './interaction-answer-error.js';
import { apiFiles, messageBody } from './interaction-message-body.js';

/** What the responder reads of the deferral's own message. */
export type OriginalMessage = Pick<APIMessage, 'flags' | 'content' | 'embeds' | 'attachments'>;

/**
 * PATCH (and GET, DELETE) /webhooks/{application}/{token}/messages/@original, with attachments as
 * multipart, and POST /webhooks/{application}/{token} for a follow-up.
 */
export class InteractionWebhookMessages {
  constructor(
    private readonly rest: REST,
    private readonly postRest: REST,
  ) {}

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

  async getOriginal(applicationId: string, token: string): Promise<OriginalMessage> {
    return (await this.rest.get(Routes.webhookMessage(applicationId, token, '@original'), { auth: false })) as OriginalMessage;
  }

  async deleteOriginal(applicationId: string, token: string): Promise<void> {
    await this.rest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false });
  }

  async postFollowUp(applicationId: string, token: string, response: InteractionResponse): Promise<void> {
    await this.postRest.post(Routes.webhook(applicationId, token), {
      auth: false,
      body: { ...messageBody(response), flags: MessageFlags.Ephemeral },
      files: apiFiles(response),
    });
  }
}
