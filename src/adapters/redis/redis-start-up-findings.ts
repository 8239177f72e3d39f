/**
 * What start-up's own connections found at the Redis of a URL, kept for the process's long-lived
 * connections to it (createRedis), which have a logger and outlive start-up: whether Redis keeps
 * its data across a restart (AOF), and the data sentinel found under each QUEUE_PREFIX claimed
 * there. One process talks to one Redis, so this is the process's own, like its config.
 */
interface Findings {
  /** Redis's `appendonly`; undefined when it could not be asked (a managed Redis refusing CONFIG). */
  appendOnly?: boolean;
  notPersistentTold: boolean;
  /** The data sentinel by prefix, as this process last saw it. */
  readonly sentinels: Map<string, string>;
  /** Checks of the sentinels one at a time: a loss is told once per process, not once per connection. */
  checking: Promise<unknown>;
}

const findingsByUrl = new Map<string, Findings>();

function findingsAt(url: string): Findings {
  let findings = findingsByUrl.get(url);
  if (!findings) findingsByUrl.set(url, (findings = { notPersistentTold: false, sentinels: new Map(), checking: Promise.resolve() }));
  return findings;
}

export function noteAppendOnly(url: string, appendOnly: boolean): void {
  findingsAt(url).appendOnly = appendOnly;
}

/** True once per process for a Redis start-up found running without AOF: the warning's turn. */
export function takeNotPersistentNotice(url: string): boolean {
  const findings = findingsByUrl.get(url);
  if (!findings || findings.appendOnly !== false || findings.notPersistentTold) return false;
  findings.notPersistentTold = true;
  return true;
}

export function noteDataSentinel(url: string, prefix: string, value: string): void {
  findingsAt(url).sentinels.set(prefix, value);
}

/**
 * Runs `check` with the sentinels last seen at `url`, after any check still under way; `check`
 * returns the ones Redis holds now, which replace them.
 */
export function checkDataSentinels<T>(url: string, check: (sentinels: ReadonlyMap<string, string>) => Promise<{ now: ReadonlyMap<string, string>; result: T }>): Promise<T> {
  const findings = findingsAt(url);
  const run = findings.checking.then(async () => {
    const { now, result } = await check(new Map(findings.sentinels));
    for (const [prefix, value] of now) findings.sentinels.set(prefix, value);
    return result;
  });
  findings.checking = run.catch(() => undefined);
  return run;
}
