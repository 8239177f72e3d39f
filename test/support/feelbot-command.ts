import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataBasicOption } from 'discord-api-types/v10';
import { Events, type Client, type Interaction } from 'discord.js';
import type { FakeDiscord, SentInteraction } from '../fakes/fake-discord/index.js';

export type CommandOption = APIApplicationCommandInteractionDataBasicOption;

/** A string option, such as `mode`. */
export const textOption = (name: string, value: string): CommandOption => ({ name, type: ApplicationCommandOptionType.String, value });
/** A channel option, such as `channel`. */
export const channelOption = (name: string, id: string): CommandOption => ({ name, type: ApplicationCommandOptionType.Channel, value: id });
/** A boolean option. */
export const flagOption = (name: string, value: boolean): CommandOption => ({ name, type: ApplicationCommandOptionType.Boolean, value });

/**
 * `/feelbot <subcommand>` sent by `userId` in `channelId` (the world's text channel by default)
 * through the fake Discord; resolves to the gateway's private answer, once it has answered.
 */
export async function feelbotCommand(
  discord: FakeDiscord,
  userId: string,
  subcommand: string,
  options: CommandOption[],
  channelId: string = discord.world.channels.text.id,
): Promise<string> {
  const sent = discord.sendInteraction({
    channelId,
    userId,
    commandName: 'feelbot',
    options: [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options }],
  });
  const [answer] = await discord.waitFor(() => discord.interactionResponses(sent.id).length > 0 && discord.interactionResponses(sent.id), { timeoutMs: 10_000 });
  return (answer!.body.data as { content: string }).content;
}

/** What a test's /feel handler is: the gateway's interaction handler, or a part of it. */
type InteractionHandler = (interaction: Interaction) => Promise<void>;

/**
 * A member's `/feel text:` (with `public:` when `isPublic` is given) in the world's text channel,
 * received by `client` and handed to `handle`: `sent` is the interaction, `handled` settles once
 * `handle` is done with it.
 */
export function sendFeel(
  { discord, client }: { readonly discord: FakeDiscord; readonly client: Client },
  handle: InteractionHandler,
  isPublic?: boolean,
): { sent: SentInteraction; handled: Promise<void> } {
  const handled = new Promise<void>((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction: Interaction) => void handle(interaction).then(resolve, reject));
  });
  const sent = discord.sendInteraction({
    channelId: discord.world.channels.text.id,
    userId: discord.world.users.member.id,
    commandName: 'feel',
    options: [textOption('text', 'I got the job, I am so happy!'), ...(isPublic === undefined ? [] : [flagOption('public', isPublic)])],
  });
  return { sent, handled };
}
