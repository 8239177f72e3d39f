/**
 * Resolves once `condition` holds, looking after every turn of the event loop (no timers), so a
 * test can act while `running` is mid-way; rejects if `running` settles before the condition holds.
 */
export async function pollUntil(condition: () => boolean, running: Promise<unknown>): Promise<void> {
  let settled = false;
  void running.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!condition()) {
    if (settled) throw new Error('it ended before the condition held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
