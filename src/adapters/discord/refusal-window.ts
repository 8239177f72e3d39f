/** Discord counts the refusals that lead to its IP ban over 10 minutes. */
export const REFUSAL_WINDOW_MS = 10 * 60_000;

/** A warning a refusal calls for: how many the window holds, and how long until the oldest of them leaves it. */
export interface RefusalWarning {
  readonly count: number;
  readonly windowLeftMs: number;
}

/**
 * The refusals of the last 10 minutes, sliding as Discord's limit does, and which counts are worth
 * a warning. A count that hovers at a multiple of `every` (as many refusals leaving the window as
 * entering it) is warned of once per window, not at every refusal that brings it back there.
 */
export class RefusalWindow {
  readonly #times: number[] = [];
  #lastWarning: { count: number; at: number } | null = null;

  /** Counts a refusal at `now`; the warning it calls for when it brings the count to a multiple of `every`. */
  refused(every: number, now = Date.now()): RefusalWarning | null {
    while (this.#times.length > 0 && this.#times[0]! <= now - REFUSAL_WINDOW_MS) this.#times.shift();
    this.#times.push(now);
    const count = this.#times.length;
    if (count % every !== 0 || this.#warnedOfAsMany(count, now)) return null;
    this.#lastWarning = { count, at: now };
    return { count, windowLeftMs: this.#times[0]! + REFUSAL_WINDOW_MS - now };
  }

  #warnedOfAsMany(count: number, now: number): boolean {
    const last = this.#lastWarning;
    return last !== null && count <= last.count && now - last.at < REFUSAL_WINDOW_MS;
  }
}
