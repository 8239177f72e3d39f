export interface FaultResponse {
  status: number;
  /** Seconds, for 429s: sent as `retry_after` in the body and as Retry-After / X-RateLimit-Reset-After. */
  retryAfter?: number;
  /** For 429s: marks the limit global (X-RateLimit-Global header, X-RateLimit-Scope: global). Defaults to false. */
  global?: boolean;
  /**
   * For 429s that are not global, their X-RateLimit-Scope: `user` (the bot's own bucket) or `shared`
   * (a resource's limit every caller shares, which Discord leaves out of its invalid-request count).
   * Defaults to `user`.
   */
  scope?: 'user' | 'shared';
  /** JSON error code in the body. Defaults to 0. */
  code?: number;
  message?: string;
  /**
   * Handle the request first (post the message, create the webhook), then answer with this
   * failure, as Discord sometimes does behind a gateway timeout or a 502.
   */
  afterHandling?: boolean;
}

export interface RequestSummary {
  method: string;
  /** Path below the versioned API base, e.g. `/webhooks/1/abc`. */
  path: string;
}

/**
 * Which requests a fault applies to: `"POST /webhooks/:id/:token"` (method optional,
 * `:name` matches one segment), a RegExp tested against the path, or a predicate.
 */
export type RouteMatcher = string | RegExp | ((request: RequestSummary) => boolean);

export interface InjectedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  afterHandling: boolean;
}

interface PendingFault {
  matches: (request: RequestSummary) => boolean;
  responses: FaultResponse[];
}

interface PendingHold {
  matches: (request: RequestSummary) => boolean;
  released: Promise<void>;
}

/** Queued failures: each matching request consumes the next response of the first matching entry. */
export class FaultInjector {
  readonly #pending: PendingFault[] = [];
  readonly #holds: PendingHold[] = [];

  /** The next matching request waits, unanswered, until the returned function is called; then it is served as usual. */
  holdNext(matcher: RouteMatcher): () => void {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#holds.push({ matches: toPredicate(matcher), released });
    return release;
  }

  /** What the request must wait for first, if a hold matches it (each hold holds one request). */
  takeHold(request: RequestSummary): Promise<void> | null {
    const index = this.#holds.findIndex((hold) => hold.matches(request));
    if (index === -1) return null;
    return this.#holds.splice(index, 1)[0]!.released;
  }

  failNext(matcher: RouteMatcher, responses: FaultResponse[]): void {
    this.#pending.push({ matches: toPredicate(matcher), responses: [...responses] });
  }

  take(request: RequestSummary): InjectedResponse | null {
    const index = this.#pending.findIndex((fault) => fault.matches(request));
    if (index === -1) return null;
    const fault = this.#pending[index]!;
    const response = fault.responses.shift()!;
    if (fault.responses.length === 0) this.#pending.splice(index, 1);
    return { ...toInjected(response), afterHandling: response.afterHandling ?? false };
  }
}

function toPredicate(matcher: RouteMatcher): (request: RequestSummary) => boolean {
  if (typeof matcher === 'function') return matcher;
  if (matcher instanceof RegExp) return (request) => matcher.test(request.path);
  const [first, second] = matcher.trim().split(/\s+/);
  const method = second === undefined ? null : first!.toUpperCase();
  const pattern = second ?? first!;
  const regex = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]\w*/g, '[^/]+')}$`);
  return (request) => (method === null || request.method === method) && regex.test(request.path);
}

function toInjected(fault: FaultResponse): Omit<InjectedResponse, 'afterHandling'> {
  if (fault.status !== 429) {
    return {
      status: fault.status,
      headers: {},
      body: { code: fault.code ?? 0, message: fault.message ?? `${fault.status}: Injected failure` },
    };
  }
  const retryAfter = fault.retryAfter ?? 1;
  const global = fault.global ?? false;
  // @discordjs/rest reads Retry-After and X-RateLimit-Reset-After as (fractional) seconds.
  const headers: Record<string, string> = {
    'retry-after': String(retryAfter),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset-after': String(retryAfter),
    'x-ratelimit-reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
    'x-ratelimit-scope': global ? 'global' : (fault.scope ?? 'user'),
    ...(global ? { 'x-ratelimit-global': 'true' } : {}),
  };
  return {
    status: 429,
    headers,
    body: { message: fault.message ?? 'You are being rate limited.', retry_after: retryAfter, global, code: fault.code ?? 0 },
  };
}
