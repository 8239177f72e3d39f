import { createHash } from 'node:crypto';

/**
 * A reply's text as Discord keeps it (without leading or trailing whitespace), hashed: what finding
 * an earlier post of it compares, so the delivery ledger can keep it as long as a job may wait
 * without keeping the text, which may quote the member it answers.
 */
export function replyDigest(text: string): string {
  return createHash('sha256').update(text.trim()).digest('base64url');
}
