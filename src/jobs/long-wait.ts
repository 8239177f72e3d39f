import { DELETION_MARKER_SECONDS } from '../ports/deletion-markers.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';

/** Taken off the markers' life: receivedAt is read on the gateway's clock, and a marker read as a try begins must outlast that try's start. */
const MARKER_TRUST_MARGIN_MS = 5 * 60_000;

/** A job received longer ago than this may have outlived the markers of its messages' deletion: Discord is asked instead. */
export const MARKERS_TRUSTED_MS = DELETION_MARKER_SECONDS * 1_000 - MARKER_TRUST_MARGIN_MS;

/** A skip spares tens of seconds of generation; a question Discord takes longer than this to answer is not worth waiting for. */
const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * How long a Discord job waited, when that is longer than MARKERS_TRUSTED_MS and a worker can ask
 * Discord about it; undefined for a fresh job, the normal case, which asks nothing.
 */
export function waitedPastMarkers(job: ParsedMessageJob, deps: Pick<MessageJobDeps, 'messageLookup'>): number | undefined {
  const waitedMs = Date.now() - job.receivedAt;
  return deps.messageLookup && job.origin === 'discord' && waitedMs > MARKERS_TRUSTED_MS ? waitedMs : undefined;
}

/** The signal a question to Discord about a long-waiting job is asked under: the job's own, and LOOKUP_TIMEOUT_MS. */
export function lookupSignal(signal: AbortSignal | undefined): AbortSignal {
  const deadline = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}
