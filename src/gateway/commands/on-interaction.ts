import { MessageFlags, RESTJSONErrorCodes, type Interaction, type REST } from 'discord.js';
import type { ReplyQueue } from '../../ports/reply-queue.js';
import { ErrorCodes, errorCodeOf, isFeelbotError } from '../../errors.js';
import type { AnalysisLimiter } from '../../ports/analysis-limiter.js';
import type { Logger } from '../../ports/logger.js';
import type { SettingsStore } from '../../ports/settings-store.js';
import { DEFAULT_PERSONAS } from '../../domain/default-personas.js';
import type { PersonaSet } from '../../domain/persona.js';
import { hasDiscordCode } from '../../adapters/discord/discord-error-codes.js';
import { asDiscordRequestError } from '../../adapters/discord/discord-request-error.js';
import { InteractionWebhookResponder } from '../../adapters/discord/interaction-webhook-responder.js';
import { isConnectionError } from '../../adapters/redis/redis-connection-error.js';
import { unwrapAcknowledged } from './acknowledged-interaction-failure.js';
import { ANALYZE_MESSAGE_COMMAND, FEEL_COMMAND, SETTINGS_COMMAND } from './command-definitions.js';
import { deferAnalysis } from './feel-command.js';
import { handleSettingsCommand } from './settings-command.js';
import { tellAcknowledgedFailure } from './tell-acknowledged-failure.js';

export interface InteractionDeps {
  readonly queue: Pick<ReplyQueue, 'enqueueAnalysis' | 'hasAnalysis'>;
  readonly settings: SettingsStore;
  /** The limits on /feel and "Analyze emotion". */
  readonly analysisLimiter: AnalysisLimiter;
  /** The operator's personas (PERSONAS_FILE): a server's look may not take another's name. Defaults to the shipped ones. */
  readonly personas?: PersonaSet;
  readonly logger: Logger;
}

const GENERIC_ANSWER = 'Something went wrong on our side; please try again in a moment.';
const REDIS_DOWN_ANSWER = 'feelbot is briefly unavailable; please try again in a minute.';

/**
 * Routes slash and context-menu commands. A failure gets an ephemeral answer and a log line with
 * its code: a Redis outage is told as a short one, anything else as a generic error.
 */
export function createInteractionHandler(deps: InteractionDeps): (interaction: Interaction) => Promise<void> {
  // One per client, not per failure: each responder holds a once-only REST client of its own, with its own timers.
  const responders = new WeakMap<REST, InteractionWebhookResponder>();
  const responderFor = ({ client: { rest } }: Interaction): InteractionWebhookResponder => {
    const responder = responders.get(rest) ?? new InteractionWebhookResponder(rest);
    responders.set(rest, responder);
    return responder;
  };
  return async (interaction) => {
    if (!interaction.isChatInputCommand() && !interaction.isMessageContextMenuCommand()) return;
    const log = deps.logger.child({ interactionId: interaction.id, guildId: interaction.guildId, command: interaction.commandName });
    try {
      const analysis = { queue: deps.queue, limiter: deps.analysisLimiter, settings: deps.settings };
      let outcome: string | undefined;
      if (interaction.isChatInputCommand() && interaction.commandName === FEEL_COMMAND) outcome = await deferAnalysis(interaction, analysis);
      else if (interaction.isMessageContextMenuCommand() && interaction.commandName === ANALYZE_MESSAGE_COMMAND) {
        outcome = await deferAnalysis(interaction, analysis);
      } else if (interaction.isChatInputCommand() && interaction.commandName === SETTINGS_COMMAND) {
        await handleSettingsCommand(interaction, deps.settings, deps.personas ?? DEFAULT_PERSONAS);
      }
      log.info(outcome ? { outcome } : {}, 'interaction handled');
    } catch (thrown) {
      const { error, acknowledged } = unwrapAcknowledged(thrown);
      if (answeredElsewhere(error, acknowledged, interaction)) {
        log.info({ outcome: 'acknowledged-elsewhere' }, 'interaction handled');
        return;
      }
      // Not retried: Discord wants an answer within 3 seconds, and an outage lasts longer.
      const redisDown = isRedisDown(error);
      // A Discord failure (a 5xx, a deferral refused as too late or held back past the 3 s by a 429) is told by its code, not as a bug.
      const failure = asDiscordRequestError(error, 'the answer to the interaction');
      log.error({ err: failure, code: redisDown ? ErrorCodes.RedisUnavailable : errorCodeOf(failure) }, 'interaction failed');
      const content = redisDown ? REDIS_DOWN_ANSWER : GENERIC_ANSWER;
      if (acknowledged) {
        // A deferral discord.js does not know of (it met 40060): told as the worker would, privately
        // where the "thinking…" is public, unless an answer already stands there.
        const outcome = await tellAcknowledgedFailure(responderFor(interaction), interaction, content, acknowledged.deferredPublicly).catch(() => undefined);
        if (outcome === 'kept') log.info('the failed interaction keeps the answer already given to it');
      } else if (interaction.deferred && interaction.ephemeral) await interaction.editReply({ content }).catch(() => undefined);
      else if (interaction.deferred) {
        // A public "thinking…" (a /feel asked to answer publicly): the failure is told privately, and
        // the placeholder goes, as the worker does for an analysis that failed.
        await responderFor(interaction).answerPrivately(interaction.applicationId, interaction.token, content).catch(() => undefined);
      } else if (!interaction.replied && !hasDiscordCode(error, RESTJSONErrorCodes.UnknownInteraction)) {
        // Not to one Discord has forgotten (10062, answered too late): it would refuse this answer too.
        await interaction.reply({ content, flags: MessageFlags.Ephemeral }).catch(() => undefined);
      }
    }
  };
}

/**
 * Whether another gateway answered the interaction first: during a roll-out two gateways on one
 * shard both receive it, and Discord takes the first answer and refuses the second with 40060
 * (already acknowledged). Nothing failed, and a fallback answer would only be refused too. A
 * /feel's deferral that meets 40060 is not this: it is handed on (acknowledged) and answered.
 */
function answeredElsewhere(error: unknown, acknowledged: object | undefined, interaction: { readonly replied: boolean; readonly deferred: boolean }): boolean {
  return acknowledged === undefined && !interaction.replied && !interaction.deferred && hasDiscordCode(error, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged);
}

function isRedisDown(error: unknown): boolean {
  return isConnectionError(error) || isFeelbotError(error, ErrorCodes.RedisUnavailable);
}
