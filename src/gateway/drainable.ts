/** A handler whose runs the gateway waits for at shutdown. */
export interface Drainable<Input> {
  (input: Input): Promise<void>;
  /** Settles once every run handed in so far, and any handed in meanwhile, has settled. */
  drain(): Promise<void>;
}

/** Wraps `run` (which never rejects) so that the runs still under way can be waited for. */
export function drainable<Input>(run: (input: Input) => Promise<void>): Drainable<Input> {
  const inFlight = new Set<Promise<void>>();
  const handle = (input: Input) => {
    const done = run(input);
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    return done;
  };
  const drain = async () => {
    while (inFlight.size > 0) await Promise.all(inFlight);
  };
  return Object.assign(handle, { drain });
}
