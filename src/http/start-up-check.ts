import type { CheckState, HealthCheck } from './routes/health-route.js';

const STARTING: CheckState = 'loading';

/**
 * A /healthz check of a part that is still starting (a model downloading, a Discord login held up for
 * minutes): `loading` until start-up hands over the part's own check, so a process can serve its
 * probes before that part is ready, and /healthz stays 503 until it is.
 */
export class StartUpCheck {
  #started: HealthCheck | undefined;

  /** The check to serve: `loading` until `started`, the part's own after. */
  readonly check: HealthCheck = () => (this.#started ? this.#started() : Promise.resolve(STARTING));

  /** Start-up has finished: `check` asks the part itself from now on. */
  started(check: HealthCheck): void {
    this.#started = check;
  }
}
