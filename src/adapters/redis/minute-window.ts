const MINUTE_MS = 60_000;

/**
 * The fixed one-minute window a request falls in, as both Redis limiters count them: its number
 * (part of the counter's key), when it ends, and how long its counter must live (two windows,
 * so a counter never expires while its minute is still running).
 */
export function minuteWindow(now: number = Date.now()): { readonly index: number; readonly endsInMs: number; readonly counterTtlMs: number } {
  const index = Math.floor(now / MINUTE_MS);
  return { index, endsInMs: (index + 1) * MINUTE_MS - now, counterTtlMs: MINUTE_MS * 2 };
}
