import type { FakeContext } from './context.js';
import type { RecordedFile } from './recorder.js';

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON, or the parsed `payload_json` of a multipart body. */
  body: Record<string, unknown>;
  /** The parsed body as sent; arrays (bulk command overwrite) only appear here. */
  rawBody: unknown;
  files: RecordedFile[];
}

export interface RouteResponse {
  /** Defaults to 200, or 204 when there is no body. */
  status?: number;
  body?: unknown;
}

export type RouteHandler = (request: RouteRequest, context: FakeContext) => RouteResponse;

export interface Route {
  method: string;
  pattern: string;
  /** "bot" routes need `Authorization: Bot <token>`; webhook-token and interaction routes need none. */
  auth: 'bot' | 'none';
  handler: RouteHandler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

/** Matches `/channels/:channelId/messages`-style patterns; literal segments win over params by order. */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  add(routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.pattern
        .split('/')
        .map((segment) => {
          if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(segment.slice(1));
          return '([^/]+)';
        })
        .join('/');
      this.#routes.push({ ...route, regex: new RegExp(`^${source}/?$`), names });
    }
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => (params[name] = found[index + 1] ?? ''));
      return { route, params };
    }
    return null;
  }
}
