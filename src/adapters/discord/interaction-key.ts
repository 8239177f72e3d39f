import { createHash } from 'node:crypto';

/** What an interaction's follow-up is noted under: never its token, which lets anyone answer it for 15 minutes. */
export function interactionKey(applicationId: string, token: string): string {
  return createHash('sha256').update(`${applicationId}:${token}`).digest('hex').slice(0, 32);
}
