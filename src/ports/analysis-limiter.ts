/** Who asks for an explicit analysis, and where. `scope` is the guild id, or `dm`. */
export interface AnalysisRequest {
  readonly scope: string;
  readonly userId: string;
}

/** Allowed, or refused by the person's limit or the server's, until `retryAfterMs` from now. */
export type AnalysisVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly limit: 'user' | 'guild'; readonly retryAfterMs: number };

/**
 * Limits on /feel and "Analyze emotion", shared by all gateways. Their jobs run ahead of chat
 * replies on the shared workers, so without a limit one person could hold every worker. The
 * gateway claims a start for the interaction before deferring, and gives the claim back when the
 * deferral fails and so no analysis will run from it.
 */
export interface AnalysisLimiter {
  /**
   * Allowed when the interaction `interactionId` may start an analysis; then, and only then, it
   * counts it. Asking again for the same interaction (a second gateway handling it during a
   * roll-out) is allowed and counts nothing twice; the asker then holds the claim too.
   */
  tryStart(request: AnalysisRequest, interactionId: string): Promise<AnalysisVerdict>;
  /**
   * Lets go of this gateway's claim on `interactionId`. The last gateway holding it gives back the
   * count `tryStart` took, if it took one in the window still running; while another still holds
   * it (its deferral may have landed and its analysis run) the count stays. Once the last let go,
   * the interaction may be counted again.
   */
  release(request: AnalysisRequest, interactionId: string): Promise<void>;
}
