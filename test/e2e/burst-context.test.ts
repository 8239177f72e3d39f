import { ChannelType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { messageJobId, type MessageJob } from '../../src/jobs/message-job.js';
import { useFeelbotStack } from '../support/use-feelbot-stack.js';

/**
 * README, Settings: CONTEXT_MESSAGES (default 6) is how many "earlier channel messages each reply
 * sees". A burst's reply answers the burst's messages themselves; the conversation before them is
 * its context. Real gateway, real discord.js client, fake Discord, real BullMQ (no worker: the job
 * stays in the queue to be read).
 */
describe("a burst's reply sees CONTEXT_MESSAGES earlier channel messages", () => {
  const e2e = useFeelbotStack({ gateway: { BURST_WINDOW_MS: '30000' } });

  const queued = (messageId: string) => e2e.gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === messageId, 10_000);
  const jobOf = async (messageId: string) => (await e2e.stack.replyQueue().getJob(messageJobId(messageId)))!.data as MessageJob;
  const newChannel = (name: string) => e2e.stack.discord.addChannel({ guildId: e2e.stack.discord.world.guild.id, type: ChannelType.GuildText, name }).id;
  const converse = (channelId: string, lines: readonly string[]) => {
    for (const content of lines) e2e.stack.discord.sendMessage({ channelId, authorId: e2e.stack.newMember(), content });
  };

  it('three quick messages after a conversation of six: the reply reads all six as its context, not the last four', async () => {
    const { discord } = e2e.stack;
    const channel = newChannel('family-news');
    const conversation = ['did anyone hear from Mia?', 'she went into labour last night', 'oh wow', 'is she ok??', 'no news yet', 'fingers crossed'];
    converse(channel, conversation);
    const author = e2e.stack.newMember();
    const burst = ['guess what', 'my sister just had her baby', 'I am an aunt now, I am so happy!'].map((content) =>
      discord.sendMessage({ channelId: channel, authorId: author, content, mentionsBot: true }),
    );
    await queued(burst[2]!.id);
    const job = await jobOf(burst[2]!.id);
    expect(job.burst).toHaveLength(2);
    expect(job.context.map((message) => message.content)).toEqual(conversation);
  });

  it('a burst of seven quick messages still sees the conversation before it', async () => {
    const { discord } = e2e.stack;
    const channel = newChannel('exam-results');
    converse(channel, ['results are out, check the portal']);
    const author = e2e.stack.newMember();
    const burst = ['omg', 'wait', 'loading', 'still loading', 'come on', 'I PASSED', 'I am so happy'].map((content) =>
      discord.sendMessage({ channelId: channel, authorId: author, content, mentionsBot: true }),
    );
    await queued(burst[6]!.id);
    const job = await jobOf(burst[6]!.id);
    expect(job.context.map((message) => message.content)).toEqual(['results are out, check the portal']);
  });

  it("someone else's message between a burst's messages joins the six before the burst, and each message costs one history request", async () => {
    const { discord } = e2e.stack;
    const channel = newChannel('moving-day');
    const conversation = ['who is helping Sam move?', 'me', 'me too', 'bring boxes', 'and tape', 'the van is booked for 9'];
    converse(channel, conversation);
    const author = e2e.stack.newMember();
    const say = (content: string) => discord.sendMessage({ channelId: channel, authorId: author, content, mentionsBot: true });
    const first = say('bad news');
    converse(channel, ['uh oh']);
    const second = say('the van broke down');
    const third = say('I am so frustrated');
    await queued(third.id);
    const job = await jobOf(third.id);
    expect(job.burst).toEqual([first.id, second.id]);
    expect(job.context.map((message) => message.content)).toEqual([...conversation, 'uh oh']);
    const historyRequests = discord.requests.filter(
      (request) => request.method === 'GET' && request.path === `/channels/${channel}/messages` && [first.id, second.id, third.id].includes(request.query.before!),
    );
    expect(historyRequests.map((request) => request.query.before)).toEqual([first.id, second.id, third.id]);
  });

  it("a burst whose first message was deleted meanwhile still sees the six messages before the rest of it", async () => {
    const { discord } = e2e.stack;
    const channel = newChannel('pet-news');
    const conversation = ['how is the puppy?', 'chewing everything', 'haha', 'send pics', 'yes pics please', 'any name yet?'];
    converse(channel, conversation);
    const author = e2e.stack.newMember();
    const say = (content: string) => discord.sendMessage({ channelId: channel, authorId: author, content, mentionsBot: true });
    const regretted = say('ugh typo');
    const second = say('we called him Biscuit');
    await queued(second.id);
    discord.deleteMessage(channel, regretted.id);
    await e2e.gateway.waitForLog((line) => line.msg === 'queued the rest of a burst without its deleted messages' && line.jobId === messageJobId(second.id), 10_000);
    const third = say('I love him so much');
    await queued(third.id);
    const job = await jobOf(third.id);
    expect(job.burst).toEqual([second.id]);
    expect(job.context.map((message) => message.content)).toEqual(conversation);
  });
});
