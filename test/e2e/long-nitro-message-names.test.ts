import { once } from 'node:events';
import { Events, type Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, characterCount } from '../../src/domain/message-limits.js';
import { messageTextOf } from '../../src/gateway/build-message-job.js';
import { createDiscordClient } from '../../src/gateway/create-client.js';
import { useLoggedInClient } from '../support/logged-in-client.js';

/**
 * A Nitro member may send 4,000 characters. cleanContent shows each <@id> (21 characters) as
 * @display-name (up to 33), so the text the job carries can outgrow MAX_MESSAGE_CHARS; the job
 * schema then refuses it (JOB_INVALID) and the message is never answered. The gateway's cut
 * keeps it within the limit; nothing else tests that cut.
 */
describe('a 4,000-character message full of member mentions', () => {
  const session = useLoggedInClient((apiUrl) => createDiscordClient(apiUrl));

  it('still makes a job text of at most MAX_MESSAGE_CHARS characters', async () => {
    const { discord, client } = session;
    const { guild, channels } = discord.world;
    const named = discord.addUser({ username: 'a_very_long_display_name_for_you' });
    discord.addMember({ guildId: guild.id, userId: named.id });
    const mention = `<@${named.id}> `;
    const content = mention.repeat(Math.floor(MAX_MESSAGE_CHARS / mention.length)).padEnd(MAX_MESSAGE_CHARS, 'x');
    expect(characterCount(content)).toBe(MAX_MESSAGE_CHARS);

    const created = once(client, Events.MessageCreate) as Promise<[Message]>;
    discord.sendMessage({ channelId: channels.text.id, authorId: discord.world.users.member.id, content });
    const [message] = await created;
    const text = messageTextOf(message, client.user!.id);
    expect(text.content).toContain('@a_very_long_display_name_for_you');
    expect(characterCount(text.content)).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(characterCount(text.rawContent)).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });
});
