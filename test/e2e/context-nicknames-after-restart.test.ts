import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';

/**
 * The gateway has no Guild Members intent: as Discord does, the fake's GUILD_CREATE lists only the
 * bot, and a message read over REST (history, a reply's reference) carries no `member`; only
 * MESSAGE_CREATE/UPDATE do. So whoever spoke before the gateway started is known by nickname only
 * once the gateway asks Discord for their membership.
 */
describe("earlier speakers in a reply's context, after a gateway restart", () => {
  let stack: FeelbotStack;
  let worker: FeelbotProcess;
  let captainId: string;
  let leaverId: string;
  let slowId: string;
  let earlierId: string;
  let mouseId: string;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    const { discord } = stack;
    const channelId = discord.world.channels.categorized.id;
    const member = (username: string, globalName: string, nick: string) => {
      const user = discord.addUser({ username, globalName });
      discord.addMember({ guildId: discord.world.guild.id, userId: user.id, nick });
      return user.id;
    };
    // All three spoke before the gateway (re)started; each goes by a nickname in this server.
    captainId = member('rob_99', 'Robert', 'Captain');
    leaverId = member('lea_01', 'Leah', 'Skipper');
    slowId = member('sam_77', 'Samuel', 'Sparrow');
    earlierId = discord.sendMessage({ channelId, authorId: captainId, content: 'my cat ran away this morning' }).id;
    discord.sendMessage({ channelId, authorId: leaverId, content: 'I looked for her all day in the rain' });
    discord.sendMessage({ channelId, authorId: slowId, content: 'we put up posters everywhere' });
    // Mouse never spoke, and is named only by a mention: Discord's history gives the user, not the member.
    mouseId = member('mo_42', 'Morgan', 'Mouse');
    discord.sendMessage({ channelId, authorId: slowId, content: `<@${mouseId}> found her collar by the gate` });
    // Leah has left the server since: Discord answers 404 Unknown Member for her.
    discord.store.removeMember(discord.world.guild.id, leaverId);
    worker = await stack.spawn('worker');
    await stack.spawn('gateway');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const say = (authorId: string, content: string, referencedMessageId?: string) =>
    stack.discord.sendMessage({
      channelId: stack.discord.world.channels.categorized.id, authorId, content, mentionsBot: true,
      ...(referencedMessageId ? { referencedMessageId, replyPing: false } : {}),
    });
  const promptText = async (id: string) => {
    const done = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(id), 45_000);
    expect(done.outcome).toMatchObject({ status: 'posted' });
    const prompt = worker.logs.find((line) => line.msg === 'prompt' && line.jobId === messageJobId(id))?.prompt as { turns: Array<{ text: string }> };
    return prompt.turns.map((turn) => turn.text).join('\n');
  };
  const memberReads = (userId: string) =>
    stack.discord.requests.filter((request) => request.method === 'GET' && request.path === `/guilds/${stack.discord.world.guild.id}/members/${userId}`).length;

  it('go by the nickname the server shows, as the author does; one who left, or slow to come, by their global name', async () => {
    // The oldest speaker's membership is read last, and slow to come: the context waits about 2 s, then uses the global name.
    const release = stack.discord.holdNext(`GET /guilds/:guildId/members/${captainId}`);
    const message = say(stack.newMember(), 'poor Captain, I am so sad for them');
    const text = await promptText(message.id);
    release();
    expect(text).toContain('<<<Sparrow: we put up posters');
    expect(text).toContain('<<<Leah: I looked for her');
    expect(text).toContain('<<<Robert: my cat ran away');
  }, 60_000);

  it('and so does the author of the message replied to, each asked for once', async () => {
    // The held answer came late, and was kept for this reply.
    const message = say(stack.newMember(), 'this is so sad, Captain', earlierId);
    const text = await promptText(message.id);
    expect(text).toContain('<<<Captain: my cat ran away');
    expect(text).toContain('<<<Leah: I looked for her');
    expect([memberReads(captainId), memberReads(leaverId), memberReads(slowId)]).toEqual([1, 1, 1]);
  }, 60_000);

  it('and so do the people their messages mention, by the name the server shows', async () => {
    const message = say(stack.newMember(), 'at least there is a clue now');
    const text = await promptText(message.id);
    expect(text).toContain('<<<Sparrow: @Mouse found her collar');
    expect(text).not.toContain('Morgan');
    expect(memberReads(mouseId)).toBe(1);
  }, 60_000);
});
