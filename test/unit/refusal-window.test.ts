import { describe, expect, it } from 'vitest';
import { REFUSAL_WINDOW_MS, RefusalWindow } from '../../src/adapters/discord/refusal-window.js';

/** Counts a refusal at each of `times` (ms), warning every `every`; the warnings, by time. */
function warnings(window: RefusalWindow, every: number, times: number[]) {
  return times.flatMap((at) => {
    const warning = window.refused(every, at);
    return warning ? [{ at, ...warning }] : [];
  });
}

describe('the refusals of the last 10 minutes', () => {
  it('warns at every multiple, with how long until the oldest refusal leaves the window', () => {
    expect(warnings(new RefusalWindow(), 2, [0, 1_000, 2_000, 3_000])).toEqual([
      { at: 1_000, count: 2, windowLeftMs: REFUSAL_WINDOW_MS - 1_000 },
      { at: 3_000, count: 4, windowLeftMs: REFUSAL_WINDOW_MS - 3_000 },
    ]);
  });

  it('slides: a refusal 10 minutes old no longer counts, one a millisecond younger still does', () => {
    const window = new RefusalWindow();
    expect(warnings(window, 10, [0, 1, 2])).toEqual([]);
    // The refusals at 0 and 1 have left; the one at 2 has 1 ms left in the window.
    expect(window.refused(2, REFUSAL_WINDOW_MS + 1)).toEqual({ count: 2, windowLeftMs: 1 });
  });

  it('a count hovering at a multiple, as many refusals leaving as arriving, is warned of once per window', () => {
    const window = new RefusalWindow();
    const step = REFUSAL_WINDOW_MS / 4;
    // Four refusals fill the window; from then on each one brings the count back to 4.
    const times = Array.from({ length: 12 }, (_, i) => i * step);
    expect(warnings(window, 4, times).map(({ at, count }) => ({ at, count }))).toEqual([
      { at: 3 * step, count: 4 },
      { at: 7 * step, count: 4 },
      { at: 11 * step, count: 4 },
    ]);
  });

  it('a count that falls back below a warned one and rises to it again within the window is not warned of again', () => {
    const window = new RefusalWindow();
    expect(warnings(window, 2, [0, 1, 2, 1_000]).map(({ at, count }) => ({ at, count }))).toEqual([
      { at: 1, count: 2 },
      { at: 1_000, count: 4 },
    ]);
    // The first three leave the window: the count goes back to 2, then up to 4, within 10 minutes of the warning at 4.
    const later = REFUSAL_WINDOW_MS + 10;
    expect(warnings(window, 2, [later, later + 1, later + 2])).toEqual([]);
    // A count above the one warned of is warned of.
    expect(window.refused(5, later + 3)).toMatchObject({ count: 5 });
  });
});
