import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';

export interface FetchHubOptions {
  /** False while the hub is out of reach: every request then fails as fetch does offline. Defaults to always reachable. */
  readonly online?: () => boolean;
  /** Where each file asked of `model` is recorded, as its path in the repository. */
  readonly requested?: string[];
}

/**
 * huggingface.co as fetch sees it (a spy on globalThis.fetch, restored by vi.restoreAllMocks):
 * `model`'s files served from the folder `repo`, and 404 for any it lacks.
 */
export function serveOnFetchHub(model: string, repo: string, options: FetchHubOptions = {}): void {
  const route = new RegExp(`^https://huggingface\\.co/${model}/resolve/main/(.+)$`);
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
    if (options.online && !options.online()) throw new TypeError('fetch failed');
    const path = route.exec(String(input))?.[1];
    if (path) options.requested?.push(decodeURIComponent(path));
    const file = path && join(repo, decodeURIComponent(path));
    if (!file || !existsSync(file)) return new Response('Entry not found', { status: 404 });
    const body = readFileSync(file);
    return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
  });
}
