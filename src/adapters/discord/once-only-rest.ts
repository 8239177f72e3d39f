import { REST, RESTEvents } from 'discord.js';

/**
 * A REST client like `rest` that sends each request once (see createDiscordRest's
 * `repeatsFailedRequests: false`), for a post Discord may have made before failing. It has no bot
 * token: it is for requests an interaction's own token authorizes (`auth: false`). Its warnings
 * about refused requests are heard where `rest`'s are, since the REST client counts them per process.
 */
export function onceOnlyCopy(rest: REST): REST {
  const copy = new REST({ ...rest.options, retries: 0 });
  copy.on(RESTEvents.InvalidRequestWarning, (warning) => rest.emit(RESTEvents.InvalidRequestWarning, warning));
  return copy;
}
