import {
  cleanContent,
  MessageFlags,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type ChatInputCommandInteraction,
  type Message,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
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

export interface AnalysisDeps {
  readonly queue: Pick<ReplyQueue, 'enqueueAnalysis' | 'hasAnalysis'>;
  readonly limiter: AnalysisLimiter;
  readonly settings: SettingsStore;
}

type AnalysisInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/**
 * What became of the request: queued for a worker, answered at once, or acknowledged by another
 * gateway (during a roll-out two receive the same interaction), which queues it.
 */
export type AnalysisOutcome = 'queued' | 'no-text' | 'rate-limited' | 'acknowledged-elsewhere';

/**
 * /feel and "Analyze emotion": claim a start under the limits, defer at once (Discord allows 3
 * seconds), then hand the work to a worker, which edits the deferred answer through the interaction
 * webhook. A deferral that fails gives the claim back, unless another gateway acknowledged it.
 */
export async function deferAnalysis(interaction: AnalysisInteraction, deps: AnalysisDeps): Promise<AnalysisOutcome> {
  const text = interaction.isChatInputCommand() ? typedText(interaction) : messageText(interaction.targetMessage);
  if (!text.trim()) {
    await interaction.reply({ content: 'There is no text to analyze in that message.', flags: MessageFlags.Ephemeral });
    return 'no-text';
  }
  const request: AnalysisRequest = { scope: interaction.guildId ?? 'dm', userId: interaction.user.id };
  // One Redis round trip of Discord's 3 seconds, not two: the channel's mode is read alongside the limit.
  const [verdict, isPublic] = await Promise.all([deps.limiter.tryStart(request, interaction.id), answersPublicly(interaction, deps.settings)]);
  if (!verdict.allowed) {
    await interaction.reply({ content: refusal(verdict), flags: MessageFlags.Ephemeral });
    return 'rate-limited';
  }
  try {
    await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
  } catch (error) {
    // The gateway that acknowledged it holds the same claim and queues the analysis.
    if (hasDiscordCode(error, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged)) return 'acknowledged-elsewhere';
    // Nobody acknowledged it (10062: too late) or this answer failed: no analysis will run for it. A
    // release that fails costs the person one analysis of this minute; the deferral's error is the one to report.
    await deps.limiter.release(request, interaction.id).catch(() => undefined);
    throw error;
  }
  const job: AnalysisJob = {
    version: 1,
    interactionId: interaction.id,
    applicationId: interaction.applicationId,
    token: interaction.token,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    userId: interaction.user.id,
    text: headCharacters(text, MAX_MESSAGE_CHARS),
    source: interaction.isChatInputCommand() ? 'slash' : 'message-menu',
    receivedAt: Date.now(),
  };
  // enqueueAnalysis validates it.
  try {
    await deps.queue.enqueueAnalysis(job);
  } catch (error) {
    // A command that timed out may still have run: then a worker will answer, and telling the user
    // to try again would cost them a second analysis of their minute's allowance.
    if (isConnectionError(error) && (await deps.queue.hasAnalysis(job.interactionId).catch(() => false))) return 'queued';
    // Not queued: no analysis will run, so the person keeps this minute's slot for trying again.
    await deps.limiter.release(request, interaction.id).catch(() => undefined);
    throw error;
  }
  return 'queued';
}

/**
 * Only a /feel that asks for it, and never where the admins turned the bot off: there it answers
 * privately. So does one whose place the gateway cannot fully read (a thread of a channel the bot
 * cannot see: the interaction names the thread and its parent, not the parent's category), since an
 * "off" there could not be seen. A member who may not send messages in the channel gets a private
 * answer too: a public one would post there for them.
 */
async function answersPublicly(interaction: AnalysisInteraction, settings: SettingsStore): Promise<boolean> {
  if (!interaction.isChatInputCommand() || !(interaction.options.getBoolean('public') ?? false)) return false;
  if (!interaction.guildId) return true;
  const channel = interaction.channel;
  if (!channel || (channel.isThread() && !channel.parent)) return false;
  const send = channel.isThread() ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if (!interaction.memberPermissions?.has(send)) return false;
  const place = placeOf(channel, interaction.channelId);
  return replyModeFor(await settings.get(interaction.guildId), place) !== 'off';
}

function refusal(verdict: Extract<AnalysisVerdict, { allowed: false }>): string {
  // Discord shows <t:…:R> as a live "in 40 seconds" in the reader's own language.
  const when = `<t:${Math.ceil((Date.now() + verdict.retryAfterMs) / 1_000)}:R>`;
  const who = verdict.limit === 'user' ? 'You have' : 'This server has';
  return `${who} asked for many analyses in the last minute. Please try again ${when}.`;
}

/** /feel's text as typed: a mention picked in it arrives as <@…> markup, read as the name it shows. */
function typedText(interaction: ChatInputCommandInteraction): string {
  const typed = interaction.options.getString('text', true);
  return interaction.channel ? cleanContent(typed, interaction.channel) : typed;
}

/**
 * A message's own text, its embeds' text, or for a forward (which has none of its own) the
 * original's; as people read it, with mentions as names (discord.js's cleanContent), as the chat
 * path reads messages: `<@123…>` markup is no text to analyse or to quote in the persona's line.
 */
function messageText(message: Message): string {
  const own = textWithEmbeds(message);
  const forwarded = message.messageSnapshots.first();
  const text = own.trim() || !forwarded ? own : textWithEmbeds(forwarded);
  return cleanContent(text, message.channel);
}

function textWithEmbeds(message: Pick<Message, 'content' | 'embeds'>): string {
  return message.content || message.embeds.map((embed) => embed.description ?? '').join('\n');
}
