import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChannelType } from 'discord-api-types/v10';
import { messageJobId } from '../../src/jobs/message-job.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * Another member's message in the conversation a reply is written from, edited after that reply
 * was queued: on a real gateway and worker against the fake Discord, in the default `mention` mode.
 */
describe('a message edited after a reply took it into its context', () => {
  const e2e = useFeelbotStack({
    worker: {},
    // Long enough for a test to edit while a reply job waits in its burst window.
    gateway: { BURST_WINDOW_MS: '4000' },
  });

  const discord = () => e2e.stack.discord;

  const newMember = () => e2e.stack.newMember();

  const queued = (messageId: string) => e2e.gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === messageId, 15_000);
  const editRecorded = (messageId: string) => e2e.gateway.waitForLog((line) => line.msg === 'edited; replies with it in their context read the new text' && line.messageId === messageId, 15_000);
  const done = (messageId: string) => e2e.worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(messageId), 45_000);
  const promptOf = (messageId: string) => e2e.worker.logs.find((line) => line.msg === 'prompt' && line.jobId === messageJobId(messageId))?.prompt;

  it("another member's phone number, edited out before the reply is written, reaches the prompt only as edited", async () => {
    const { channels } = discord().world;
    const other = newMember();
    const regretted = discord().sendMessage({ channelId: channels.text.id, authorId: other, content: 'my phone number is 555-0199, call me tonight' });
    const asker = newMember();
    const mention = discord().sendMessage({ channelId: channels.text.id, authorId: asker, content: 'what do you all think, I am so nervous', mentionsBot: true });
    await queued(mention.id);
    // Within the asker's burst window the other member edits the number out, naming the asker as people do.
    discord().editMessage(channels.text.id, regretted.id, `never mind, <@${asker}> forget it`);
    await editRecorded(regretted.id);
    await done(mention.id);
    const prompt = JSON.stringify(promptOf(mention.id));
    expect(prompt).toContain('never mind');
    expect(prompt).toContain('forget it');
    expect(prompt).not.toContain('555-0199');
    // Read as the gateway reads any context message: a mention is a name, never a raw id.
    expect(prompt).not.toContain(asker);
    // The edited text is kept where replies may read it, under the message's id.
    expect(await e2e.stack.redisConnection().get(`${e2e.stack.prefix}:edited:${regretted.id}`)).toContain('never mind');
  });

  it('an edit where the bot is off is not kept: no reply there has the message in its context', async () => {
    const quiet = discord().addChannel({ guildId: discord().world.guild.id, type: ChannelType.GuildText, name: `quiet-${randomUUID().slice(0, 4)}` });
    await e2e.settings.update(discord().world.guild.id, (current) => ({ ...current, modes: { ...current.modes, [quiet.id]: 'off' } }));
    const said = discord().sendMessage({ channelId: quiet.id, authorId: newMember(), content: 'my address is 12 Elm Street' });
    discord().editMessage(quiet.id, said.id, 'never mind');
    await e2e.gateway.waitForLog((line) => line.msg === 'edited where the bot is off; not kept' && line.messageId === said.id, 15_000);
    expect(await e2e.stack.redisConnection().keys(`${e2e.stack.prefix}:edited:*`)).not.toContain(`${e2e.stack.prefix}:edited:${said.id}`);
  });
});
