import {
  ChannelType,
  cleanContent,
  type ChatInputCommandInteraction,
  type Message,
  type MessageContextMenuCommandInteraction,
  type TextBasedChannel,
} from 'discord.js';

/**
 * The text to analyse twice: as people read it, for the persona's line to quote (`text`); and as
 * Discord sent it, mentions and custom emoji as markup, for the classifier (`rawText`), as the chat
 * path reads messages (messageTextOf): a mentioned name is no feeling of the author's.
 */
export function analysisTextOf(interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction): { text: string; rawText: string } {
  if (interaction.isChatInputCommand()) return { text: typedText(interaction), rawText: interaction.options.getString('text', true) };
  return { text: messageText(interaction.targetMessage), rawText: rawMessageText(interaction.targetMessage) };
}

/** /feel's text as typed: a mention picked in it arrives as <@…> markup, read as the name it shows. */
export function typedText(interaction: ChatInputCommandInteraction): string {
  const typed = interaction.options.getString('text', true);
  return interaction.channel ? readableText(typed, interaction.channel) : typed;
}

/** A message's text as people read it, with mentions as names (discord.js's cleanContent): `<@123…>` is nothing to quote. */
export function messageText(message: Message): string {
  return readableText(rawMessageText(message), message.channel);
}

/**
 * Text with mentions as names (cleanContent); in a group DM, role mentions as written, as in a 1:1
 * DM. A message in a server the bot is not in (a user install) has no channel, though discord.js's
 * types say otherwise: its text is kept as written, with nothing to read names from.
 */
function readableText(text: string, channel: TextBasedChannel | null): string {
  if (!channel) return text;
  if (!channel.isDMBased() || channel.type === ChannelType.DM) return cleanContent(text, channel);
  // cleanContent reads channel.guild.roles for a role mention anywhere but a 1:1 DM; a group DM has no server, so it would throw.
  return text
    .split(/(<@&\d+>)/)
    .map((part, index) => (index % 2 === 1 ? part : cleanContent(part, channel)))
    .join('');
}

/** A message's own text, its embeds' text, or for a forward (which has none of its own) the original's. */
function rawMessageText(message: Message): string {
  const own = textWithEmbeds(message);
  const forwarded = message.messageSnapshots.first();
  return own.trim() || !forwarded ? own : textWithEmbeds(forwarded);
}

function textWithEmbeds(message: Pick<Message, 'content' | 'embeds'>): string {
  return message.content || message.embeds.map((embed) => embed.description ?? '').join('\n');
}
