import { MessageFlags, type ChatInputCommandInteraction, type Message, type MessageContextMenuCommandInteraction } from 'discord.js';
import type { MessageQueue } from '../../adapters/bullmq/message-queue.js';
import type { AnalysisJob } from '../../jobs/analysis-job.js';
import { MAX_MESSAGE_CHARS } from '../../jobs/message-job.js';

/**
 * /feel and "Analyze emotion": defer at once (Discord allows 3 seconds), then hand the work to a
 * worker, which edits the deferred answer through the interaction webhook.
 */
export async function deferAnalysis(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  queue: Pick<MessageQueue, 'enqueueAnalysis'>,
): Promise<void> {
  const text = interaction.isChatInputCommand() ? interaction.options.getString('text', true) : messageText(interaction.targetMessage);
  const isPublic = interaction.isChatInputCommand() ? (interaction.options.getBoolean('public') ?? false) : false;
  if (!text.trim()) {
    await interaction.reply({ content: 'There is no text to analyze in that message.', flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
  const job: AnalysisJob = {
    version: 1,
    interactionId: interaction.id,
    applicationId: interaction.applicationId,
    token: interaction.token,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    userId: interaction.user.id,
    text: text.slice(0, MAX_MESSAGE_CHARS),
    source: interaction.isChatInputCommand() ? 'slash' : 'message-menu',
    receivedAt: Date.now(),
  };
  // enqueueAnalysis validates it.
  await queue.enqueueAnalysis(job);
}

/** A message's own text, its embeds' text, or for a forward (which has none of its own) the original's. */
function messageText(message: Message): string {
  const own = textWithEmbeds(message);
  if (own.trim()) return own;
  const forwarded = message.messageSnapshots.first();
  return forwarded ? textWithEmbeds(forwarded) : '';
}

function textWithEmbeds(message: Pick<Message, 'content' | 'embeds'>): string {
  return message.content || message.embeds.map((embed) => embed.description ?? '').join('\n');
}
