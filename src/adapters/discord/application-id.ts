import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { Config } from '../../config.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';

const PORTAL_URL = 'https://discord.com/developers/applications';

/** 4xx answers that say Discord could not answer now (a timeout, a rate limit), not that it refused. */
const NOT_ANSWERED_STATUSES = new Set([408, 429]);

/**
 * The bot's application id with no guess, as Discord answers GET /applications/@me once. A set
 * DISCORD_APPLICATION_ID must be that answer (else CONFIG_INVALID naming both), and is used
 * unchecked, with a warning, while Discord cannot answer: that is what the setting is for. Without
 * it, or when Discord refuses the token, rejects with Discord's error. For what a wrong id would
 * make lasting, as the QUEUE_PREFIX claim, and for webhooks and emojis told as the bot's own by it.
 * `signal` (a stop during start-up) cancels the request and rejects with its reason.
 */
export async function certainApplicationId(rest: REST, config: Config, logger: Logger, signal?: AbortSignal): Promise<string> {
  const configured = config.discord.applicationId;
  let answered: string;
  try {
    answered = await askApplicationId(rest, signal);
  } catch (error) {
    // A stopped start-up goes no further, not even under the configured id.
    if (signal?.aborted) throw signal.reason;
    if (!configured || isRefusal(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ applicationId: configured, reason }, 'DISCORD_APPLICATION_ID not checked: Discord did not answer /applications/@me, so it is used as set');
    return configured;
  }
  if (!configured) return answered;
  if (answered !== configured) throw applicationIdMismatch(configured, answered);
  return configured;
}

/**
 * The bot's application id, asked of Discord once (see certainApplicationId); when Discord cannot
 * say and no DISCORD_APPLICATION_ID is set, read from the token, whose first part is the bot's user
 * id in base64 (the same id for bots made since 2019).
 */
export function applicationIdResolver(rest: REST, config: Config, logger: Logger): () => Promise<string> {
  let id: Promise<string> | undefined;
  return () => {
    id ??= certainApplicationId(rest, config, logger).catch((error: unknown) => guessedId(config) ?? Promise.reject(error));
    id.catch(() => {
      id = undefined;
    });
    return id;
  };
}

async function askApplicationId(rest: REST, signal?: AbortSignal): Promise<string> {
  const app = (await rest.get(Routes.currentApplication(), { signal })) as { id: string };
  return app.id;
}

/** Discord answered and turned the request down (a wrong token's 401): no reason to go on as if it had not. */
function isRefusal(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.status >= 400 && error.status < 500 && !NOT_ANSWERED_STATUSES.has(error.status);
}

/** A test bot's token beside the real bot's id: the id would be recorded as the QUEUE_PREFIX owner, and Discord would refuse its emojis. */
function applicationIdMismatch(configured: string, answered: string): FeelbotError {
  return new FeelbotError(
    ErrorCodes.ConfigInvalid,
    `DISCORD_APPLICATION_ID=${configured} is not the application of DISCORD_TOKEN, which Discord says is application ${answered}. ` +
      `Set DISCORD_APPLICATION_ID to ${answered} (or leave it empty), or use the token of application ${configured}; both are under its General Information and Bot pages at ${PORTAL_URL}.`,
    { userFacing: true, permanent: true, details: { configured, applicationId: answered } },
  );
}

/** Only without a configured id: a configured one is never replaced by a guess. */
function guessedId(config: Config): string | undefined {
  return config.discord.applicationId ? undefined : idFromToken(config.discord.token);
}

function idFromToken(token: string | undefined): string | undefined {
  const decoded = Buffer.from(token?.split('.')[0] ?? '', 'base64').toString('utf8');
  return /^\d{17,20}$/.test(decoded) ? decoded : undefined;
}
