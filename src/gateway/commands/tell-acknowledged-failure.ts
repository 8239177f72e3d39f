import type { InteractionResponder } from '../../ports/interaction-responder.js';

/** The interaction whose webhook tells the failure. */
interface InteractionWebhook {
  readonly applicationId: string;
  readonly token: string;
}

/**
 * Tells a command's failure through its interaction's webhook when its deferral met 40060, but only
 * while its response still shows "thinking…": in a roll-out another gateway may have deferred and
 * queued it, and that gateway's worker may have answered already. A public "thinking…" is removed
 * and the failure told to its asker alone, as the worker tells an analysis that failed; a private
 * one is edited. A read that fails leaves the response alone, as the worker's own failure answer
 * does. Resolves with whether it told or kept.
 */
export async function tellAcknowledgedFailure(
  responder: InteractionResponder,
  { applicationId, token }: InteractionWebhook,
  content: string,
  deferredPublicly: boolean,
): Promise<'told' | 'kept'> {
  if (await responder.hasAnswered(applicationId, token)) return 'kept';
  // An answer landing between this read and the edit is still replaced: Discord has no conditional edit.
  if (deferredPublicly) await responder.answerPrivately(applicationId, token, content);
  else await responder.editOriginal(applicationId, token, { content, embeds: [], files: [] });
  return 'told';
}
