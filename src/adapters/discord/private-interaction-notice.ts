import { isInteractionTokenExpired, type InteractionResponse } from '../../ports/interaction-responder.js';
import { asAnswerError } from './interaction-answer-error.js';
import type { InteractionWebhookMessages } from './interaction-webhook-messages.js';

/** What others see, for a moment, of a public deferral whose failure is told privately: its asker gets the notice in a message of their own. */
export const PUBLIC_PLACEHOLDER_NOTE = 'This analysis could not be made.';

/** A failed text first leaves its notice in the placeholder: its asker sees it in public rather than not at all. */
export async function tellPrivately(messages: InteractionWebhookMessages, applicationId: string, token: string, content: string): Promise<void> {
  const response: InteractionResponse = { content, embeds: [], files: [] };
  await messages.editOriginal(applicationId, token, { content: PUBLIC_PLACEHOLDER_NOTE, embeds: [], files: [] });
  await messages.postFollowUp(applicationId, token, response).catch(async (error: unknown) => {
    const failed = asAnswerError(error, 'the private answer to the interaction');
    await tellInPlaceholder(messages, applicationId, token, content, failed);
    throw failed;
  });
  await messages.deleteOriginal(applicationId, token).catch((error: unknown) => {
    throw asAnswerError(error, 'removing the public placeholder of the interaction');
  });
}

/**
 * After a failed follow-up (which may or may not have been posted), the public placeholder says
 * `content` itself: its asker sees it in public rather than not at all. Not with a refused token.
 */
async function tellInPlaceholder(messages: InteractionWebhookMessages, applicationId: string, token: string, content: string, failed: unknown): Promise<void> {
  if (isInteractionTokenExpired(failed)) return;
  await messages.editOriginal(applicationId, token, { content, embeds: [], files: [] }).catch(() => undefined);
}
