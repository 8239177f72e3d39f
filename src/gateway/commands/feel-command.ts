import { MessageFlags, PermissionFlagsBits, RESTJSONErrorCodes, type ChatInputCommandInteraction, type MessageContextMenuCommandInteraction } from 'discord.js';
import type { ReplyQueue } from '../../ports/reply-queue.js';
import { headCharacters } from '../../domain/cut-text.js';
import { replyModeFor } from '../../domain/guild-settings.js';
import type { AnalysisJob } from '../../jobs/analysis-job.js';
import { MAX_MESSAGE_CHARS } from '../../jobs/message-job.js';
import type { AnalysisLimiter, AnalysisRequest, AnalysisVerdict } from '../../ports/analysis-limiter.js';
import type { SettingsStore } from '../../ports/settings-store.js';
import { placeOf } from '../channel-place.js';
import { hasDiscordCode } from '../../adapters/discord/discord-error-codes.js';
import { isConnectionError } from '../../adapters/redis/redis-connection-error.js';
import { AcknowledgedInteractionFailure } from './acknowledged-interaction-failure.js';
import { analysisTextOf } from './analysis-text.js';
import { queuedByAnotherGateway } from './queued-by-another-gateway.js';

export interface AnalysisDeps {
  readonly queue: Pick<ReplyQueue, 'enqueueAnalysis' | 'hasAnalysis'>;
  readonly limiter: AnalysisLimiter;
  readonly settings: SettingsStore;
}

type AnalysisInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/**
 * What became of the request: queued for a worker, answered at once, or acknowledged and queued by
 * another gateway (during a roll-out two receive the same interaction).
 */
export type AnalysisOutcome = 'queued' | 'no-text' | 'rate-limited' | 'acknowledged-elsewhere';

/**
 * /feel and "Analyze emotion": claim a start under the limits, defer at once (Discord allows 3
 * seconds), then hand the work to a worker, which edits the deferred answer through the interaction
 * webhook. A request no analysis will run for gives its claim back.
 */
export async function deferAnalysis(interaction: AnalysisInteraction, deps: AnalysisDeps): Promise<AnalysisOutcome> {
  const { text, rawText } = analysisTextOf(interaction);
  if (!text.trim()) {
    await interaction.reply({ content: 'There is no text to analyze in that message.', flags: MessageFlags.Ephemeral });
    return 'no-text';
  }
  const request: AnalysisRequest = { scope: interaction.guildId ?? 'dm', userId: interaction.user.id };
  const { verdict, isPublic } = await claimStart(interaction, request, deps);
  if (!verdict.allowed) {
    await interaction.reply({ content: refusal(verdict), flags: MessageFlags.Ephemeral });
    return 'rate-limited';
  }
  const deferral = await defer(interaction, isPublic, request, deps);
  if (deferral === 'queued-elsewhere') return 'acknowledged-elsewhere';
  const place = placeOf(interaction.channel, interaction.channelId);
  await queueAnalysis(
    {
      version: 1,
      interactionId: interaction.id,
      applicationId: interaction.applicationId,
      token: interaction.token,
      guildId: serverOf(interaction),
      channelId: interaction.channelId,
      // The worker reads the mode of this place again before it answers a public /feel.
      parentId: place.parentId,
      categoryId: place.categoryId,
      userId: interaction.user.id,
      text: headCharacters(text, MAX_MESSAGE_CHARS),
      rawText: headCharacters(rawText, MAX_MESSAGE_CHARS),
      source: interaction.isChatInputCommand() ? 'slash' : 'message-menu',
      receivedAt: Date.now(),
      deferredPublicly: isPublic,
    },
    request,
    deps,
  ).catch((error: unknown) => {
    throw deferral === 'refused-as-acknowledged' ? new AcknowledgedInteractionFailure(error, isPublic) : error;
  });
  return 'queued';
}

/**
 * How the deferral went: Discord took it; or refused it as acknowledged already (40060) and another
 * gateway queued the analysis; or refused it so and nobody did, so this gateway queues it.
 */
type Deferral = 'deferred' | 'queued-elsewhere' | 'refused-as-acknowledged';

/**
 * Counts the request under the limits and reads whether to answer publicly: one Redis round trip
 * of Discord's 3 seconds, not two. A count whose settings read failed is given back, since no
 * analysis will run for it; not awaited, since the read may have taken 2 s of the 3 already, and
 * the person's "briefly unavailable" must not also wait for a Redis that slow (giveBack never fails).
 */
async function claimStart(interaction: AnalysisInteraction, request: AnalysisRequest, deps: AnalysisDeps): Promise<{ verdict: AnalysisVerdict; isPublic: boolean }> {
  const [claim, visibility] = await Promise.allSettled([deps.limiter.tryStart(request, interaction.id), answersPublicly(interaction, deps.settings)]);
  if (claim.status === 'rejected') throw claim.reason;
  if (visibility.status === 'rejected') {
    if (claim.value.allowed) void giveBack(request, interaction.id, deps);
    throw visibility.reason;
  }
  return { verdict: claim.value, isPublic: visibility.value };
}

/**
 * "thinking…". A deferral nobody acknowledged (10062: too late), that failed, or that the client
 * gave up on (a 429 asking to wait past the 3 s) gives the claim back: no analysis will run for it.
 */
async function defer(interaction: AnalysisInteraction, isPublic: boolean, request: AnalysisRequest, deps: AnalysisDeps): Promise<Deferral> {
  try {
    await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
    return 'deferred';
  } catch (error) {
    // Acknowledged already: by another gateway, which queues it, or by this one's own try whose
    // answer was lost (a 5xx after Discord applied it, and the client's retry met 40060).
    if (hasDiscordCode(error, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged)) {
      return (await queuedByAnotherGateway(deps.queue, interaction.id)) ? 'queued-elsewhere' : 'refused-as-acknowledged';
    }
    await giveBack(request, interaction.id, deps);
    throw error;
  }
}

/** enqueueAnalysis validates the job; its id makes it once-only, whichever gateways queue it. */
async function queueAnalysis(job: AnalysisJob, request: AnalysisRequest, deps: AnalysisDeps): Promise<void> {
  try {
    await deps.queue.enqueueAnalysis(job);
  } catch (error) {
    // A command that timed out may still have run: then a worker will answer, and telling the user
    // to try again would cost them a second analysis of their minute's allowance.
    if (isConnectionError(error) && (await deps.queue.hasAnalysis(job.interactionId).catch(() => false))) return;
    // Not queued: no analysis will run, so the person keeps this minute's slot for trying again.
    await giveBack(request, job.interactionId, deps);
    throw error;
  }
}

/** A release that fails costs the person one analysis of this minute; the error that ended the request is the one to report. */
async function giveBack(request: AnalysisRequest, interactionId: string, deps: AnalysisDeps): Promise<void> {
  await deps.limiter.release(request, interactionId).catch(() => undefined);
}

/**
 * The server whose settings and removal concern the analysis: the one it was asked in, when the
 * server's own install of feelbot authorizes it. A user install's request in a server without the
 * bot (never added, or removed) is answered as a DM's is, through the interaction alone: no
 * settings of that server apply, and its job names no server, so it is not indexed under one that
 * a READY's sweep would then take for a server that removed the bot, nor skipped as `left-server`.
 */
function serverOf(interaction: AnalysisInteraction): string | null {
  return interaction.guildId !== null && interaction.authorizingIntegrationOwners.guildId === interaction.guildId ? interaction.guildId : null;
}

/**
 * Only a /feel that asks for it, and never where the admins turned the bot off: there it answers
 * privately. So does one whose place the gateway cannot fully read (a thread of a channel the bot
 * cannot see: the interaction names the thread and its parent, not the parent's category), since an
 * "off" there could not be seen. A member who may not send messages in the channel gets a private
 * answer too: a public one would post there for them. A user install's request in a server without
 * the bot follows userInstallAnswersPublicly.
 */
async function answersPublicly(interaction: AnalysisInteraction, settings: SettingsStore): Promise<boolean> {
  if (!interaction.isChatInputCommand() || !(interaction.options.getBoolean('public') ?? false)) return false;
  if (!interaction.guildId) return true;
  if (serverOf(interaction) === null) return userInstallAnswersPublicly(interaction);
  const channel = interaction.channel;
  if (!channel || (channel.isThread() && !channel.parent)) return false;
  const send = channel.isThread() ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if (!interaction.memberPermissions?.has(send)) return false;
  const place = placeOf(channel, interaction.channelId);
  return replyModeFor(await settings.get(interaction.guildId), place) !== 'off';
}

/**
 * A user install's request in a server without the bot: no settings of that server apply (see
 * serverOf), and the bot knows none of its channels, so not whether this one is a thread: the
 * member must be allowed to send messages in channels and in threads alike.
 * Discord makes a user-installed app's responses ephemeral where the member lacks USE_EXTERNAL_APPS
 * (discord-api-docs, topics/permissions.md), in servers of any size since user apps' GA (change log 2024-06-27).
 */
function userInstallAnswersPublicly(interaction: AnalysisInteraction): boolean {
  const needed = [PermissionFlagsBits.UseExternalApps, PermissionFlagsBits.SendMessages, PermissionFlagsBits.SendMessagesInThreads];
  return interaction.memberPermissions?.has(needed) ?? false;
}

function refusal(verdict: Extract<AnalysisVerdict, { allowed: false }>): string {
  // Discord shows <t:…:R> as a live "in 40 seconds" in the reader's own language.
  const when = `<t:${Math.ceil((Date.now() + verdict.retryAfterMs) / 1_000)}:R>`;
  const who = verdict.limit === 'user' ? 'You have' : 'This server has';
  return `${who} asked for many analyses in the last minute. Please try again ${when}.`;
}
