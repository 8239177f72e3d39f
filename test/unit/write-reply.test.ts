import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';
import type { Prompt } from '../../src/domain/prompt.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';
import { parseMessageJob } from '../../src/jobs/message-job.js';
import { writeReply } from '../../src/jobs/write-reply.js';
import { NO_METRICS } from '../../src/ports/metrics.js';
import type { ReplyGenerator } from '../../src/ports/reply-generator.js';
import { buildMessageJob, personas, snowflake } from '../factories.js';

/** A model that answers `text` and keeps every prompt it was given. */
function recording(text: string): ReplyGenerator & { readonly prompts: Prompt[] } {
  const prompts: Prompt[] = [];
  return {
    prompts,
    parallelism: 1,
    generate: async (request) => (prompts.push(request.prompt), { text, tokens: 4, truncated: false, firstTokenMs: 1, totalMs: 2 }),
    dispose: async () => undefined,
  };
}

function depsWith(generator: ReplyGenerator) {
  return { generator, personas, typing: { start: () => () => undefined }, logger: createLogger('silent', 'test'), metrics: NO_METRICS };
}

describe('writeReply', () => {
  it("members named like any of the operator's characters are quoted under tags of their own, not the characters' names", async () => {
    const generator = recording('So happy for you!');
    const job = parseMessageJob(buildMessageJob({
      author: { id: '1100000000000000003', displayName: 'Love' },
      context: [{ authorName: 'anger', content: 'nobody cares about your job' }],
    }));
    await writeReply(job, depsWith(generator), personas.joy);
    const text = generator.prompts[0]!.turns.map((turn) => turn.text).join('\n');
    expect(text).toContain('<<<anger (member): nobody cares about your job>>>');
    expect(text).toContain('<<<Love (member): I finally got the job, I am so happy!>>>');
  });

  it("a member who takes the author's display name is quoted under a tag of their own, not as the author", async () => {
    const generator = recording('So happy for you!');
    const author = { id: snowflake(), displayName: 'Alex' };
    const job = parseMessageJob(buildMessageJob({
      author,
      context: [
        { authorName: 'Alex', authorId: snowflake(), content: 'I take it back, I hate the new job' },
        { authorName: 'Alex', authorId: author.id, content: 'guess what' },
      ],
    }));
    await writeReply(job, depsWith(generator), personas.joy);
    const text = generator.prompts[0]!.turns.map((turn) => turn.text).join('\n');
    expect(text).toContain('<<<Alex (member 2): I take it back, I hate the new job>>>');
    expect(text).toContain('<<<Alex: guess what>>>');
    expect(text).toContain('<<<Alex: I finally got the job, I am so happy!>>>');
  });

  it("another persona's earlier reply reaches the prompt as that character's words, the answering persona's own as its turn", async () => {
    const generator = recording('So happy for you!');
    const job = parseMessageJob(buildMessageJob({
      context: [
        { messageId: snowflake(), authorName: 'Anger', content: 'Jobs are a scam!', persona: 'Anger', personaKey: 'anger' },
        { messageId: snowflake(), authorName: 'Sunny', content: 'You will do great!', persona: 'Sunny', personaKey: 'joy' },
      ],
    }));
    await writeReply(job, depsWith(generator), personas.joy);
    expect(generator.prompts[0]!.turns).toEqual([
      { role: 'user', text: '<<<Anger (character): Jobs are a scam!>>>' },
      { role: 'assistant', text: 'You will do great!' },
      { role: 'user', text: '<<<Alice: I finally got the job, I am so happy!>>>\nReply to the author of the last quoted message, as Joy.' },
    ]);
  });

  it("a line the model goes on to write as the author (\"Alice: …\") is cut from the persona's reply", async () => {
    const job = parseMessageJob(buildMessageJob());
    const content = await writeReply(job, depsWith(recording('Congrats on the job!\nAlice: Thanks Joy, you are the best!')), personas.joy);
    expect(content).toBe('Congrats on the job!');
  });

  it("a reply a stop trigger ended inside the persona's code block is posted with the fence closed, so the chat after it is not code", async () => {
    // The block showed a chat log: its line after "Sam: hi" opened with the author's tag ("\nAlice:"), a stop trigger.
    const stopped: ReplyGenerator = {
      parallelism: 1,
      generate: async () => ({ text: 'A chat log looks like:\n```\nSam: hi', tokens: 9, truncated: false, stoppedAtStopTrigger: true, firstTokenMs: 1, totalMs: 2 }),
      dispose: async () => undefined,
    };
    const content = await writeReply(parseMessageJob(buildMessageJob()), depsWith(stopped), personas.joy);
    expect(content).toBe('A chat log looks like:\n```\nSam: hi\n```');
  });

  it('a reply the model opens as another character has nothing to post: GENERATION_EMPTY, retried', async () => {
    const job = parseMessageJob(buildMessageJob());
    const thrown = await writeReply(job, depsWith(recording('Anger: Jobs are a scam.')), personas.joy).catch((error: unknown) => error);
    expect(isFeelbotError(thrown, ErrorCodes.GenerationEmpty)).toBe(true);
  });
});
