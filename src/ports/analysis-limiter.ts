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
 * gateway asks before deferring; a request that is allowed counts at once.
 */
export interface AnalysisLimiter {
  tryStart(request: AnalysisRequest): Promise<AnalysisVerdict>;
}
