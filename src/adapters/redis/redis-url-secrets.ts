/** What of REDIS_URL must never be printed or logged. */

/**
 * ioredis also reads connection options from the URL's query (`redis://host/0?password=…`), so a
 * password can sit there as well as in the user-info part.
 */
const QUERY_PASSWORD = 'password';

/** The URL as the operator wrote it, with any password replaced, safe to print. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has(QUERY_PASSWORD)) parsed.searchParams.set(QUERY_PASSWORD, '***');
    return parsed.toString();
  } catch {
    return '(unparsable)';
  }
}

/** The passwords `url` holds, for the logger to redact wherever they might appear. */
export function passwordsIn(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [decodeURIComponent(parsed.password), parsed.searchParams.get(QUERY_PASSWORD) ?? ''].filter((password) => password !== '');
  } catch {
    return [];
  }
}
