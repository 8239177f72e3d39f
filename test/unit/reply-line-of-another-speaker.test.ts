import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';
import { buildPrompt } from '../../src/domain/build-prompt.js';
import { cleanReply } from '../../src/domain/clean-reply.js';
import type { ConversationMessage } from '../../src/domain/conversation.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';
import { parseMessageJob } from '../../src/jobs/message-job.js';
import { writeReply } from '../../src/jobs/write-reply.js';
import { NO_METRICS } from '../../src/ports/metrics.js';
import type { ReplyGenerator } from '../../src/ports/reply-generator.js';
import { buildMessageJob, personas, snowflake } from '../factories.js';

/** Joy's reply to Bob, cleaned as writeReply cleans it (postsAs included), with the speakers of the prompt it answered. */
function joyPosts(
  raw: string,
  { context = [], truncated = false, postsAs }: { context?: ConversationMessage[]; truncated?: boolean; postsAs?: string } = {},
): string {
  const message = { authorName: 'Bob', authorId: '1', content: 'I passed my exam!' };
  const prompt = buildPrompt({ persona: personas.joy, context, message, characterNames: Object.values(personas).map((p) => p.name), postsAs });
  return cleanReply(raw, { personaName: 'Joy', postsAs, maxChars: 600, truncated, speakers: prompt.speakers });
}

describe("cleanReply, a line the model writes as another of the prompt's speakers without the quote markers", () => {
  it("a line the model goes on to write as the member (\"Bob: …\") is not posted under the persona's name", () => {
    expect(joyPosts('Congrats on the exam!\nBob: Thanks Joy, you are the best!')).toBe('Congrats on the exam!');
  });

  it('is cut however the model spells or dresses the name, as speaker tags read names', () => {
    for (const line of ['BOB: thanks', 'B.o.b: thanks', '**Bob:** thanks', '> Bob: thanks', 'Ｂｏｂ : thanks', 'Bоb: thanks']) {
      expect(joyPosts(`Congrats on the exam!\n${line}`)).toBe('Congrats on the exam!');
    }
  });

  it("is cut under any tag the prompt used: another member's, a member's suffixed tag, a character's name or tag", () => {
    const context = [
      { authorName: 'Carol', authorId: '2', content: 'what exam?' },
      { authorName: 'Bob', authorId: '3', content: 'not me, the other Bob' },
    ];
    expect(joyPosts('So proud of you!\nCarol: me too', { context })).toBe('So proud of you!');
    expect(joyPosts('So proud of you!\nBob (member 2): me too', { context })).toBe('So proud of you!');
    expect(joyPosts('So proud of you!\nSadness: but exams end', { context })).toBe('So proud of you!');
    expect(joyPosts('So proud of you!\nFear (character): what about the next one?', { context })).toBe('So proud of you!');
  });

  it('a reply that opens as another speaker, past the persona\'s own name, is no reply at all', () => {
    expect(joyPosts('Bob: Ok.')).toBe('');
    expect(joyPosts('Anger: No.')).toBe('');
    expect(joyPosts('Anger (character): No.')).toBe('');
    expect(joyPosts('Joy: Anger: Hello there.')).toBe('');
    expect(joyPosts('Joy (character): Joy: **Anger:** Hello there.')).toBe('');
  });

  it("the persona's own name, spelled as speaker tags read names, is dropped as a prefix rather than emptying the reply", () => {
    expect(joyPosts('J.o.y: So proud of you!')).toBe('So proud of you!');
    expect(joyPosts('Jоy (character): So proud of you!')).toBe('So proud of you!');
  });

  it("the persona's words before the cut are whole: the token limit stopped the made-up line, not them", () => {
    expect(joyPosts('So proud of you\nBob: thanks Joy, you are the b', { truncated: true })).toBe('So proud of you');
  });

  it('a label no speaker of the prompt goes by stays: notes, steps, times, a list of what members bring, a name inside a line', () => {
    const reply = 'Note: breathe first.\nPS: you earned it!\nStep 1: celebrate.\nMeet at\n5:30 tonight?\n- Bob: cake\nI told Bob: well done!';
    expect(joyPosts(reply)).toBe(reply);
  });

  it('"Note:" is a speaker\'s line where a member of the prompt is named Note', () => {
    const context = [{ authorName: 'Note', authorId: '2', content: 'congrats Bob' }];
    expect(joyPosts('So proud of you!\nNote: yes!', { context })).toBe('So proud of you!');
  });
});

describe("cleanReply, the cut at another speaker's line", () => {
  it('leaves no code fence, bold or spoiler open where it cuts (README: "no code fence or spoiler left open at the cut")', () => {
    const fence = joyPosts('So proud of you! Here is my plan:\n```\nstudy more\nBob: ok\n```');
    expect((fence.match(/```/g) ?? []).length % 2, JSON.stringify(fence)).toBe(0);
    const spoiler = joyPosts('So proud of you! ||the party is at 8\nBob: shh||');
    expect((spoiler.match(/\|\|/g) ?? []).length % 2, JSON.stringify(spoiler)).toBe(0);
  });

  it("keeps the persona's own code block whole, a speaker's name inside it being code, and still cuts after it", () => {
    const block = 'So proud of you! Here is my plan:\n```\nstudy more\nBob: ok\n```';
    expect(joyPosts(block)).toBe(block);
    expect(joyPosts(`${block}\nBob: thanks Joy`)).toBe(block);
  });

  it('closes what the cut left open without marking it cut short: no "…", the persona ended its words there', () => {
    expect(joyPosts('So proud of you! ||the party is at 8\nBob: shh||')).toBe('So proud of you! ||the party is at 8||');
    expect(joyPosts('Run `npm test\nBob: ok`', { truncated: true })).toBe('Run `npm test`');
    // A fence nothing closes is no code block: the line after it is still cut, and the fence closed.
    expect(joyPosts('My plan:\n```\nstudy more\nBob: ok')).toBe('My plan:\n```\nstudy more\n```');
  });

  it("another persona's line is cut even where this server's look gives the answering persona that persona's name", () => {
    // Joy posts as "Anger" on this server; the real Anger persona's earlier reply is quoted as "Anger (character)".
    const context: ConversationMessage[] = [{ authorName: 'Anger', authorId: '9', persona: 'Anger', personaKey: 'anger', content: 'exams are a scam' }];
    expect(joyPosts('So proud of you!\nAnger (character): exams are still a scam', { context, postsAs: 'Anger' })).toBe('So proud of you!');
  });

  it("a reply opening with another persona's name, where the answering one posts under it too, is that persona's turn", () => {
    const context: ConversationMessage[] = [{ authorName: 'Anger', authorId: '9', persona: 'Anger', personaKey: 'anger', content: 'exams are a scam' }];
    expect(joyPosts('Anger (character): exams are still a scam', { context, postsAs: 'Anger' })).toBe('');
    expect(joyPosts('Anger: exams are still a scam', { context, postsAs: 'Anger' })).toBe('');
    // Its own name is still its own.
    expect(joyPosts('Joy: So proud of you!', { context, postsAs: 'Anger' })).toBe('So proud of you!');
  });
});

/** A model that always answers `text`. */
function answering(text: string): ReplyGenerator {
  return {
    parallelism: 1,
    generate: async () => ({ text, tokens: 9, truncated: false, firstTokenMs: 1, totalMs: 2 }),
    dispose: async () => undefined,
  };
}

/** What writeReply posts for Joy when the model answers `raw`, or `<GENERATION_EMPTY>` when nothing is left. */
async function joyWrites(raw: string, job: ReturnType<typeof parseMessageJob>, postsAs?: string): Promise<string> {
  const deps = { generator: answering(raw), personas, typing: { start: () => () => undefined }, logger: createLogger('silent', 'test'), metrics: NO_METRICS };
  try {
    return await writeReply(job, deps, personas.joy, undefined, postsAs);
  } catch (error) {
    if (isFeelbotError(error) && error.code === ErrorCodes.GenerationEmpty) return `<${error.code}>`;
    throw error;
  }
}

describe("writeReply, the persona's own names are never another speaker's", () => {
  it('a server renamed Joy to "Sunny": a reply opening with the name it posts under there has it dropped as a prefix, as "Joy:" is', async () => {
    // Joy's own earlier reply in this server, posted under the server's look ("Sunny"), noted as Joy's.
    const job = parseMessageJob(buildMessageJob({
      context: [
        { messageId: snowflake(), authorName: 'Bob', content: 'Sunny, guess what' },
        { messageId: snowflake(), authorName: 'Sunny', content: 'What is it?', persona: 'Sunny', personaKey: 'joy' },
      ],
    }));
    expect(await joyWrites('Joy: So happy for you!', job, 'Sunny')).toBe('So happy for you!');
    expect(await joyWrites('Sunny: So happy for you!', job, 'Sunny')).toBe('So happy for you!');
    expect(await joyWrites('Sunny (character): So happy for you!', job, 'Sunny')).toBe('So happy for you!');
    // Without any earlier reply of its own in the context, the name it posts under is still its own.
    const fresh = parseMessageJob(buildMessageJob({}));
    expect(await joyWrites('Sunny: So happy for you!', fresh, 'Sunny')).toBe('So happy for you!');
    // Other speakers are still cut.
    expect(await joyWrites('So happy for you!\nBob: thanks Sunny', job, 'Sunny')).toBe('So happy for you!');
  });

  it("a line the persona opens with its own name mid-reply is its own words, and the text after it stays", async () => {
    const job = parseMessageJob(buildMessageJob({}));
    const raw = 'Congrats!! Here is my plan for tonight:\nJoy: brings the balloons and the cake!\nYou: just show up and smile.';
    expect(await joyWrites(raw, job)).toBe(raw);
    const renamed = 'Congrats!! Here is my plan for tonight:\nSunny: brings the balloons and the cake!\nYou: just show up and smile.';
    expect(await joyWrites(renamed, job, 'Sunny')).toBe(renamed);
  });
});
