import { REST, RESTEvents } from 'discord.js';

/**
 * A REST client like `rest` that sends each request once (see createDiscordRest's
 * `repeatsFailedRequests: false`), for a post Discord may have made before failing. It has no bot
 * token: it is for requests an interaction's own token authorizes (`auth: false`). Its answers are
 * heard where `rest`'s are, so its refusals count toward the process's warning (warnOfInvalidRequests).
 */
export function onceOnlyCopy(rest: REST): REST {
  const copy = new REST({ ...rest.options, retries: 0 });
  copy.on(RESTEvents.Response, (request, response) => rest.emit(RESTEvents.Response, request, response));
  return copy;
}
