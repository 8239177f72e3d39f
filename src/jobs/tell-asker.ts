import type { InteractionResponder } from '../ports/interaction-responder.js';
import type { AnalysisJob } from './analysis-job.js';

/** Where a notice for a /feel's asker goes: its interaction, and whether the channel sees its "thinking…". */
export type AskerTarget = Pick<AnalysisJob, 'applicationId' | 'token' | 'deferredPublicly'>;

/**
 * Tells a /feel's asker something only they need to see (that it failed, or came too late): in
 * place of a private "thinking…"; for a public one, in a message of their own, as the channel's
 * "thinking…" goes. Fails as the responder does.
 */
export async function tellAsker(responder: InteractionResponder, target: AskerTarget, content: string): Promise<void> {
  if (target.deferredPublicly) await responder.answerPrivately(target.applicationId, target.token, content);
  else await responder.editOriginal(target.applicationId, target.token, { content, embeds: [], files: [] });
}
