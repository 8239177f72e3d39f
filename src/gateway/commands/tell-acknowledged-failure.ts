import type { InteractionResponder } from '../../ports/interaction-responder.js';

/**
 * Tells a command's failure by an edit of its original response when its deferral met 40060, but
 * only while that response still shows "thinking…": in a roll-out another gateway may have deferred
 * and queued it, and that gateway's worker may have answered already. A read that fails leaves the
 * response alone, as the worker's own failure answer does. Resolves with whether it told or kept.
 */
export async function tellAcknowledgedFailure(responder: InteractionResponder, applicationId: string, token: string, content: string): Promise<'told' | 'kept'> {
  if (await responder.hasAnswered(applicationId, token)) return 'kept';
  // An answer landing between this read and the edit is still replaced: Discord has no conditional edit.
  await responder.editOriginal(applicationId, token, { content, embeds: [], files: [] });
  return 'told';
}
