import { ErrorCodes, FeelbotError } from '../../errors.js';

export interface GenerationSignalSources {
  /** The caller's signal (the job was cancelled). */
  readonly request?: AbortSignal | undefined;
  /** Aborted when the generator is disposed. */
  readonly shutdown: AbortSignal;
  /** GENERATION_TIMEOUT after this long. Defaults to no timeout (waiting for a sequence has none). */
  readonly timeoutMs?: number | undefined;
}

export interface GenerationSignal {
  /** Aborts with a FeelbotError as its reason: GENERATION_TIMEOUT or GENERATION_ABORTED. */
  readonly signal: AbortSignal;
  /** Stops the timer; call when the reply is done. */
  done(): void;
}

/** One signal for a reply that fires on the caller's abort, on shutdown, or after `timeoutMs` when given. */
export function createGenerationSignal(sources: GenerationSignalSources): GenerationSignal {
  const controller = new AbortController();
  const abortWith = (error: FeelbotError): void => {
    if (!controller.signal.aborted) controller.abort(error);
  };
  const onRequestAbort = (): void =>
    abortWith(new FeelbotError(ErrorCodes.GenerationAborted, 'The reply was cancelled.', { cause: sources.request?.reason }));
  const onShutdown = (): void =>
    abortWith(new FeelbotError(ErrorCodes.GenerationAborted, 'The reply generator is shutting down.', { permanent: true }));
  const { timeoutMs } = sources;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            abortWith(
              new FeelbotError(ErrorCodes.GenerationTimeout, `The reply took longer than ${timeoutMs} ms.`, {
                details: { timeoutMs },
              }),
            ),
          timeoutMs,
        );

  if (sources.request?.aborted) onRequestAbort();
  if (sources.shutdown.aborted) onShutdown();
  sources.request?.addEventListener('abort', onRequestAbort, { once: true });
  sources.shutdown.addEventListener('abort', onShutdown, { once: true });
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      sources.request?.removeEventListener('abort', onRequestAbort);
      sources.shutdown.removeEventListener('abort', onShutdown);
    },
  };
}
