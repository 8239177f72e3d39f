import { once } from 'node:events';
import { Events, type Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, characterCount } from '../../src/domain/message-limits.js';
import { messageTextOf } from '../../src/gateway/build-message-job.js';
import { createDiscordClient } from '../../src/gateway/create-client.js';
import { useLoggedInClient, type LoggedInClient } from '../support/logged-in-client.js';

/** The display name a member mention grows into: 33 characters for its 21. */
const LONG_NAME = 'a_very_long_display_name_for_you';

/** A member's mention of a member with LONG_NAME, as Discord sends it (<@id> and a space). */
function longNameMention({ discord }: LoggedInClient): string {
  const named = discord.addUser({ username: LONG_NAME });
  discord.addMember({ guildId: discord.world.guild.id, userId: named.id });
  return `<@${named.id}> `;
}

/** `content` sent by a member to the text channel, as the gateway's discord.js client receives it. */
async function received({ discord, client }: LoggedInClient, content: string): Promise<Message> {
  const created = once(client, Events.MessageCreate) as Promise<[Message]>;
  discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: discord.world.users.member.id, content });
  const [message] = await created;
  return message;
}

/**
 * A Nitro member may send 4,000 characters. cleanContent shows each <@id> (21 characters) as
 * @display-name (up to 33), so the text the job carries can outgrow MAX_MESSAGE_CHARS; the job
 * schema then refuses it (JOB_INVALID) and the message is never answered. The gateway's cut
 * keeps it within the limit; nothing else tests that cut.
 */
describe('a message of 4,000 characters or more, full of member mentions', () => {
  const session = useLoggedInClient((apiUrl) => createDiscordClient(apiUrl));

  it('still makes a job text of at most MAX_MESSAGE_CHARS characters', async () => {
    const mention = longNameMention(session);
    const content = mention.repeat(Math.floor(MAX_MESSAGE_CHARS / mention.length)).padEnd(MAX_MESSAGE_CHARS, 'x');
    expect(characterCount(content)).toBe(MAX_MESSAGE_CHARS);

    const text = messageTextOf(await received(session, content), session.client.user!.id);
    expect(text.content).toContain(`@${LONG_NAME}`);
    expect(characterCount(text.content)).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });

  // Discord refuses a message this long; should one reach the gateway, the text as Discord sent it (the classifier's input) is cut as well.
  it('keeps only the newest MAX_MESSAGE_CHARS characters of a longer text as Discord sent it', async () => {
    const mention = longNameMention(session);
    const ending = ' and the newest words, which the cut keeps 🎉';
    const content = mention.repeat(Math.floor(MAX_MESSAGE_CHARS / mention.length)).padEnd(MAX_MESSAGE_CHARS, 'x') + ending;
    expect(characterCount(content)).toBeGreaterThan(MAX_MESSAGE_CHARS);

    const text = messageTextOf(await received(session, content), session.client.user!.id);
    expect(text.rawContent).toBe([...content].slice(-MAX_MESSAGE_CHARS).join(''));
    expect(text.rawContent.endsWith(ending)).toBe(true);
    expect(characterCount(text.content)).toBe(MAX_MESSAGE_CHARS);
    expect(text.content.endsWith(ending)).toBe(true);
  });
});
