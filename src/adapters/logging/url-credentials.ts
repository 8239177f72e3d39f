/**
 * What of a URL an operator gives (LLM_MODEL, a Discord or CDN endpoint) may be a credential: the
 * user-info part (`https://user:password@host/…`) and every query value, which is where a
 * pre-signed download link keeps its signature (`?X-Amz-Signature=…`, `?sig=…`). Each comes both
 * as written and decoded, since a log line may show either. Anything that is not an http(s) URL
 * (a path, a Hugging Face model name) holds none.
 */
export function credentialsInUrl(value: string | undefined): string[] {
  if (!value || !/^https?:\/\//i.test(value)) return [];
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return [];
  }
  const written = [parsed.username, parsed.password, ...parsed.search.slice(1).split('&').map((pair) => pair.slice(pair.indexOf('=') + 1))];
  const decoded = [...written.slice(0, 2).map(decodedOrSelf), ...parsed.searchParams.values()];
  return [...new Set([...written, ...decoded])].filter((part) => part !== '');
}

function decodedOrSelf(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
