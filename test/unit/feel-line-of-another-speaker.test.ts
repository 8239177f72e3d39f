import { describe, expect, it } from 'vitest';
import { responseOptions } from '../../src/adapters/llama/chat-response.js';
import { handleAnalysisJob } from '../../src/jobs/handle-analysis-job.js';
import type { GenerationRequest } from '../../src/ports/reply-generator.js';
import type { InteractionResponse } from '../../src/ports/interaction-responder.js';
import { buildAnalysisJob, buildAnalysisJobDeps } from '../factories.js';

/** The /feel card, answered as Joy, when the model, unstopped, writes `raw`; with the generation requests it got. */
async function feelCard(raw: string): Promise<{ line: string | undefined; requests: GenerationRequest[] }> {
  const requests: GenerationRequest[] = [];
  const answers: InteractionResponse[] = [];
  const deps = buildAnalysisJobDeps({
    generator: {
      parallelism: 1,
      generate: async (request) => {
        requests.push(request);
        return { text: raw, tokens: 20, truncated: false, firstTokenMs: 1, totalMs: 2 };
      },
      dispose: async () => undefined,
    },
    responder: { editOriginal: async (_app, _token, response) => void answers.push(response), hasAnswered: async () => false, answerPrivately: async () => undefined },
  });
  await handleAnalysisJob(buildAnalysisJob({ text: 'What a day it has been' }), deps);
  expect(answers).toHaveLength(1);
  return { line: answers[0]!.embeds[0]!.description, requests };
}

describe("/feel's persona line never speaks as anyone else (README: a reply never speaks as anyone else)", () => {
  it('never goes on as another character, and its generation is told where to stop', async () => {
    const { line, requests } = await feelCard('What a lovely day!\nAnger (character): Lovely? I hate this day.');
    // The posted line holds none of another character's words...
    expect(line).toBe('What a lovely day!');
    // ...and generation is told where to stop: the prompt names the other characters as speakers.
    expect(requests[0]!.prompt.speakers ?? []).toContain('Anger (character)');
  });

  it('never goes on as the asker, quoted as "someone"', async () => {
    const { line } = await feelCard('What a lovely day!\nsomeone: It really was not.');
    expect(line).toBe('What a lovely day!');
  });

  it("the model's generation stops at a line opened by the asker or another character, as a chat reply's does", async () => {
    const { requests } = await feelCard('What a lovely day!');
    const sampling = { temperature: 0, topP: 1, repeatPenalty: 1, maxTokens: 60 };
    const options = responseOptions(sampling, new AbortController().signal, () => {}, requests[0]!.prompt.speakers);
    expect(options.customStopTriggers).toEqual(expect.arrayContaining(['\nsomeone:', '\nAnger:', '\nAnger (character):', '\nSadness (character):']));
    // Joy's own name opens her own words: no stop there.
    expect(options.customStopTriggers).not.toContain('\nJoy:');
  });
});
