import { DOWNLOAD_STALL_TIMEOUT_MS, StallWatch } from '../llama/stall-watch.js';

/** transformers.js's `env.fetch` contract (4.x): `(input, init?) => Promise<Response>`; the hub files are read from `body`. */
export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` that fails a request once it gets no further for `stallTimeoutMs`: a hub (or a proxy in
 * front of it) that accepts the connection and never answers, or a body that stops coming. The
 * answer's headers and each chunk of its body count as progress. Defaults to a GGUF download's 15 s.
 * `stop` (a stop signal) ends every request under way, and fails any made after it, with its reason.
 */
export function stallTimeoutFetch(fetchImpl: Fetch, stallTimeoutMs: number = DOWNLOAD_STALL_TIMEOUT_MS, stop?: AbortSignal): Fetch {
  return async (input, init = {}) => {
    const controller = new AbortController();
    const callers = [init.signal, stop].filter((signal): signal is AbortSignal => signal != null);
    const forwards = callers.map((caller) => {
      const forward = (): void => controller.abort(caller.reason);
      if (caller.aborted) forward();
      caller.addEventListener('abort', forward, { once: true });
      return () => caller.removeEventListener('abort', forward);
    });
    const watch = new StallWatch(stallTimeoutMs, (reason) => controller.abort(reason));
    const failure = (error: unknown): unknown => (controller.signal.aborted ? controller.signal.reason : error);
    const done = (): void => {
      watch.stop();
      for (const unlisten of forwards) unlisten();
    };
    if (controller.signal.aborted) {
      done();
      throw controller.signal.reason;
    }
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, signal: controller.signal });
    } catch (error) {
      done();
      throw failure(error);
    }
    if (!response.body) {
      done();
      return response;
    }
    let received = 0;
    watch.reached(received);
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        try {
          const chunk = await reader.read();
          if (chunk.done) {
            done();
            stream.close();
            return;
          }
          watch.reached((received += chunk.value.byteLength));
          stream.enqueue(chunk.value);
        } catch (error) {
          done();
          throw failure(error);
        }
      },
      cancel(reason) {
        done();
        return reader.cancel(reason);
      },
    });
    const watched = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    // A constructed Response has no URL; keep the one the answer came from.
    Object.defineProperty(watched, 'url', { value: response.url });
    return watched;
  };
}
