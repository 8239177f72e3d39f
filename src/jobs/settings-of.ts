import type { GuildSettings } from '../domain/guild-settings.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';

/**
 * A guild's settings as they read now; none for a DM. A read Redis fails is thrown, as the
 * ledger's, deletions' and edits' are: the attempt fails and is retried, never posted unchecked.
 */
export async function settingsOf(job: ParsedMessageJob, deps: Pick<MessageJobDeps, 'settings'>): Promise<GuildSettings | undefined> {
  return job.guildId ? deps.settings.get(job.guildId) : undefined;
}
