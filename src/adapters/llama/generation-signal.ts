import { ErrorCodes, FeelbotError } from '../../errors.js';

export interface GenerationSignalSources {
  /** The caller's signal (the job was cancelled). */
  readonly request?: AbortSignal | undefined;
  /** Aborted when the generator is disposed. */
  readonly shutdown: AbortSignal;
  readonly timeoutMs: number;
}

export interface GenerationSignal {
  /** Aborts with a FeelbotError as its reason: GENERATION_TIMEOUT or GENERATION_ABORTED. */
  readonly signal: AbortSignal;
  /** Stops the timer; call when the reply is done. */
  done(): void;
}

/** One signal for a reply that fires on the caller's abort, on shutdown, or after `timeoutMs`. */
export function createGenerationSignal(sources: GenerationSignalSources): GenerationSignal {
  const controller = new AbortController();
  const abortWith = (error: FeelbotError): void => {
    if (!controller.signal.aborted) controller.abort(error);
  };
  const onRequestAbort = (): void =>
    abortWith(new FeelbotError(ErrorCodes.GenerationAborted, 'The reply was cancelled.', { cause: sources.request?.reason }));
  const onShutdown = (): void =>
    abortWith(new FeelbotError(ErrorCodes.GenerationAborted, 'The reply generator is shutting down.', { permanent: true }));
  const timer = setTimeout(
    () =>
      abortWith(
        new FeelbotError(ErrorCodes.GenerationTimeout, `The reply took longer than ${sources.timeoutMs} ms.`, {
          details: { timeoutMs: sources.timeoutMs },
        }),
      ),
    sources.timeoutMs,
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
