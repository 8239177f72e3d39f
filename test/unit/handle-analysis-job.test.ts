import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
import { UNREADABLE_TEXT_ANALYSIS } from '../../src/domain/unreadable-text.js';
import { handleAnalysisJob, type AnalysisJobDeps } from '../../src/jobs/handle-analysis-job.js';
import type { EmotionScores } from '../../src/domain/emotions.js';
import type { InteractionResponse } from '../../src/ports/interaction-responder.js';
import type { EmotionAnalysis } from '../../src/ports/emotion-classifier.js';
import { NO_METRICS, type GenerationKind } from '../../src/ports/metrics.js';
import { buildAnalysis, buildAnalysisJob, buildAnalysisJobDeps, buildScores, personas } from '../factories.js';
import { capturedLogger } from '../support/captured-logger.js';

const MINUTE_MS = 60_000;


/** The use case's parts, recording what was classified, generated, measured, drawn and edited; the /feel still shows "thinking…". */
function recordingDeps(line = 'So happy for you!', overrides: Partial<AnalysisJobDeps> = {}) {
  const classified: string[] = [];
  const observed: Array<{ kind: GenerationKind; tokens: number; seconds: number }> = [];
  const generated: string[] = [];
  const charted: EmotionScores[] = [];
  const answers: InteractionResponse[] = [];
  const deps = buildAnalysisJobDeps({
    classifier: {
      classify: async (texts) => {
        classified.push(...texts);
        return texts.map(() => buildAnalysis());
      },
      dispose: async () => undefined,
    },
    generator: {
      parallelism: 1,
      generate: async (request) => {
        generated.push(request.prompt.system);
        return { text: line, tokens: 12, truncated: false, firstTokenMs: 1, totalMs: 2 };
      },
      dispose: async () => undefined,
    },
    responder: { editOriginal: async (_app, _token, response) => void answers.push(response), hasAnswered: async () => answers.length > 0, answerPrivately: async () => expect.fail('a private deferral was answered as a public one') },
    renderChart: (scores) => (charted.push(scores), Buffer.from('png')),
    metrics: { ...NO_METRICS, observeGeneration: (kind, tokens, seconds) => void observed.push({ kind, tokens, seconds }) },
    ...overrides,
  });
  return { deps, classified, generated, observed, charted, answers };
}

describe('handleAnalysisJob', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a text nothing of which could be read (a bare link) is told "no emotion found": no emotion named, no persona speaking, no chart', async () => {
    const { deps, answers, generated } = recordingDeps('Oh, that makes me feel so blue.', {
      classifier: { classify: async (texts) => texts.map(() => UNREADABLE_TEXT_ANALYSIS), dispose: async () => undefined },
    });
    expect(await handleAnalysisJob(buildAnalysisJob({ text: 'https://example.com/x' }), deps)).toEqual({ status: 'answered', emotion: null, persona: null });
    const [answer] = answers;
    expect(answer!.embeds).toHaveLength(1);
    expect(answer!.embeds[0]!.title).toBe('No emotion found');
    expect(answer!.embeds[0]!.author).toBeUndefined();
    expect(JSON.stringify(answer)).not.toMatch(/sadness|Core emotion/i);
    expect(answer!.files).toEqual([]);
    expect(generated).toEqual([]);
  });

  it('the classifier reads /feel\'s text as typed, a mention\'s markup left for the normaliser to drop, and the persona line its names', async () => {
    const prompts: string[] = [];
    const { deps, classified } = recordingDeps('Good to know!', {
      generator: {
        parallelism: 1,
        generate: async (request) => (prompts.push(JSON.stringify(request.prompt)), { text: 'Good to know!', tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 2 }),
        dispose: async () => undefined,
      },
    });
    const job = buildAnalysisJob({ text: 'the new rules are pinned in #scary-stories', rawText: 'the new rules are pinned in <#1100000000000000009>' });
    expect(await handleAnalysisJob(job, deps)).toMatchObject({ status: 'answered' });
    expect(classified).toEqual(['the new rules are pinned in <#1100000000000000009>']);
    expect(prompts.join('')).toContain('the new rules are pinned in #scary-stories');
    expect(prompts.join('')).not.toContain('<#');
    // A job queued by a gateway from before the raw text was queued (a rolling deploy) is read as shown.
    const older = recordingDeps();
    await handleAnalysisJob(buildAnalysisJob({ text: 'the new rules are pinned in #general' }), older.deps);
    expect(older.classified).toEqual(['the new rules are pinned in #general']);
  });

  it('a persona line still running as the token nears its end is cut off, and the analysis is answered in time', async () => {
    vi.useFakeTimers();
    const answeredAt: number[] = [];
    // A slow line: 3 minutes of generation or waiting for a free sequence, unless told to stop.
    const generate = (request: { signal?: AbortSignal }) =>
      new Promise<never>((_resolve, reject) => {
        setTimeout(() => reject(new Error('finished too late to matter')), 3 * MINUTE_MS);
        request.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const { deps } = recordingDeps(undefined, {
      generator: { parallelism: 1, generate, dispose: async () => undefined },
      responder: { editOriginal: async () => void answeredAt.push(Date.now()), hasAnswered: async () => false, answerPrivately: async () => expect.fail('a private deferral was answered as a public one') },
    });
    // Picked up 12.5 minutes after the command: 2.5 minutes of token left, enough to try a line.
    const job = buildAnalysisJob({ receivedAt: Date.now() - 12.5 * MINUTE_MS });
    const handled = handleAnalysisJob(job, deps);
    await vi.advanceTimersByTimeAsync(3 * MINUTE_MS);
    await handled;
    expect(answeredAt).toHaveLength(1);
    expect(answeredAt[0]! - job.receivedAt).toBeLessThan(15 * MINUTE_MS);
  });

  it("the speaking persona's avatar is the URL replies use where there is one (hosted, or AVATAR_BASE_URL), else its attached image", async () => {
    const hosted = recordingDeps(undefined, { avatarUrl: () => 'http://cdn.example/avatars/joy.png' });
    await handleAnalysisJob(buildAnalysisJob(), hosted.deps);
    expect(hosted.answers[0]!.embeds[0]!.author?.iconUrl).toBe('http://cdn.example/avatars/joy.png');
    expect(hosted.answers[0]!.files.map((file) => file.name)).toEqual(['emotions.png']);

    const attached = recordingDeps();
    await handleAnalysisJob(buildAnalysisJob(), attached.deps);
    expect(attached.answers[0]!.embeds[0]!.author?.iconUrl).toBe('attachment://joy.png');
    expect(attached.answers[0]!.files.map((file) => file.name)).toEqual(['emotions.png', 'joy.png']);

    const jpeg = recordingDeps(undefined, { avatarImage: async () => ({ fileName: 'sunny.jpg', bytes: Buffer.from([0xff, 0xd8, 0xff]), contentType: 'image/jpeg' }) });
    await handleAnalysisJob(buildAnalysisJob(), jpeg.deps);
    expect(jpeg.answers[0]!.files.map(({ name, contentType }) => ({ name, contentType }))).toEqual([
      { name: 'emotions.png', contentType: 'image/png' },
      { name: 'sunny.jpg', contentType: 'image/jpeg' },
    ]);
  });

  it("the persona line in the /feel embed keeps no masked link or foreign invite, only a link from the analysed text", async () => {
    const line = 'So happy for you! [Claim your free Nitro](https://evil.example/gift) or join discord.gg/freenitro. Loved https://art.example/me too!';
    const { deps, answers } = recordingDeps(line);
    await handleAnalysisJob(buildAnalysisJob({ text: 'I finished my painting! https://art.example/me' }), deps);
    expect(answers[0]!.embeds[0]!.description).toBe('So happy for you! Claim your free Nitro or join. Loved https://art.example/me too!');
  });

  it('a /feel queued past the 15 minutes its interaction token lives is skipped before classifying, with nothing edited', async () => {
    const { logger, lines } = capturedLogger();
    const { deps, classified, generated, answers } = recordingDeps(undefined, { logger });
    const job = buildAnalysisJob({ receivedAt: Date.now() - 16 * MINUTE_MS });
    const outcome = await handleAnalysisJob(job, deps);
    expect(outcome).toEqual({ status: 'skipped', reason: 'interaction-expired' });
    expect(classified).toEqual([]);
    expect(generated).toEqual([]);
    expect(answers).toEqual([]);
    const logged = lines.find((entry) => entry.level === 'info' && /expired/.test(String(entry.msg)));
    expect(logged).toMatchObject({ ageMs: expect.any(Number) });
    expect(JSON.stringify(lines)).not.toContain(job.token);
  });

  it('a /feel with too little of its token left to be answered is told to try again at once, not left "thinking…"', async () => {
    const { deps, classified, generated, answers } = recordingDeps();
    const outcome = await handleAnalysisJob(buildAnalysisJob({ receivedAt: Date.now() - 14.5 * MINUTE_MS }), deps);
    expect(outcome).toEqual({ status: 'skipped', reason: 'interaction-expired' });
    expect(classified).toEqual([]);
    expect(generated).toEqual([]);
    expect(answers).toEqual([{ content: 'Sorry, this analysis waited too long to be answered. Please try again.', embeds: [], files: [] }]);
    // A later run tells it too, as long as no earlier run's answer landed.
    const retried = recordingDeps();
    expect(await handleAnalysisJob(buildAnalysisJob({ receivedAt: Date.now() - 14.5 * MINUTE_MS }), retried.deps, undefined, { started: 2 })).toEqual({ status: 'skipped', reason: 'interaction-expired' });
    expect(retried.answers).toHaveLength(1);
    // An edit Discord refuses changes nothing for the user: the job still ends as skipped.
    const refusing = recordingDeps(undefined, { responder: { editOriginal: async () => Promise.reject(new Error('401 Invalid Webhook Token')), hasAnswered: async () => false, answerPrivately: async () => expect.fail('a private deferral was answered as a public one') } });
    expect(await handleAnalysisJob(buildAnalysisJob({ receivedAt: Date.now() - 14.5 * MINUTE_MS }), refusing.deps)).toEqual({ status: 'skipped', reason: 'interaction-expired' });
  });

  it('a /feel with little of its interaction token left is answered without the persona line', async () => {
    const { deps, classified, generated, answers } = recordingDeps();
    const outcome = await handleAnalysisJob(buildAnalysisJob({ receivedAt: Date.now() - 13.5 * MINUTE_MS }), deps);
    expect(outcome).toMatchObject({ status: 'answered' });
    expect(classified).toHaveLength(1);
    expect(generated).toEqual([]);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.embeds[0]!.description).toBeUndefined();
  });

  it('a later run of a /feel whose earlier answer landed (Discord applied the edit, then answered 502) edits nothing', async () => {
    const { logger, lines } = capturedLogger();
    const answered = recordingDeps(undefined, {
      logger,
      responder: { editOriginal: async () => expect.fail('the answer shown was edited again'), hasAnswered: async () => true, answerPrivately: async () => expect.fail('a private deferral was answered as a public one') },
    });
    expect(await handleAnalysisJob(buildAnalysisJob(), answered.deps, undefined, { started: 2 })).toEqual({ status: 'skipped', reason: 'answered-earlier' });
    expect(answered.classified).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', msg: '/feel already answered by an earlier run' }));
    // Still "thinking…" (the earlier run failed before its edit reached Discord): this run answers.
    const thinking = recordingDeps();
    expect(await handleAnalysisJob(buildAnalysisJob(), thinking.deps, undefined, { started: 2 })).toMatchObject({ status: 'answered' });
    expect(thinking.answers).toHaveLength(1);
    // A first run asks nothing: no earlier run can have answered.
    const first = recordingDeps(undefined, { responder: { editOriginal: async () => undefined, hasAnswered: async () => expect.fail('a first run read the answer'), answerPrivately: async () => expect.fail('a private deferral was answered as a public one') } });
    await handleAnalysisJob(buildAnalysisJob(), first.deps);
  });

  it('a /feel with time to spare gets the persona line', async () => {
    const { deps, generated, answers } = recordingDeps();
    await handleAnalysisJob(buildAnalysisJob({ receivedAt: Date.now() - 5 * MINUTE_MS }), deps);
    expect(generated).toHaveLength(1);
    expect(answers[0]!.embeds[0]!.description).toBe('So happy for you!');
  });

  it("the persona line's generation is counted in the token metrics, as a reply's is, as kind feel", async () => {
    const { deps, observed } = recordingDeps();
    await handleAnalysisJob(buildAnalysisJob(), deps);
    expect(observed).toEqual([{ kind: 'feel', tokens: 12, seconds: 0.002 }]);
    // No line tried (too little of the token left), or one that failed: nothing generated to count.
    const late = recordingDeps();
    await handleAnalysisJob(buildAnalysisJob({ receivedAt: Date.now() - 13.5 * MINUTE_MS }), late.deps);
    const failed = recordingDeps(undefined, { generator: { parallelism: 1, generate: async () => Promise.reject(new Error('out of memory')), dispose: async () => undefined } });
    await handleAnalysisJob(buildAnalysisJob(), failed.deps);
    expect({ late: late.observed, failed: failed.observed }).toEqual({ late: [], failed: [] });
  });

  it("a LoRA persona whose context is busy writes its line on the base context at once, rather than holding the worker's slot to wait", async () => {
    const lora = '/models/joy-lora.gguf';
    const requests: Array<{ loraPath?: string | undefined; whenBusy?: string | undefined; prompt: string }> = [];
    // As the llama generator does while the LoRA context's sequences are all busy: a request that
    // may not wait is refused with LLM_BUSY; one that may waits, here until the LoRA reply ends.
    const busyLora = (baseLine: () => Promise<string>): AnalysisJobDeps['generator'] => ({
      parallelism: 1,
      generate: async (request) => {
        requests.push({ loraPath: request.loraPath, whenBusy: request.whenBusy, prompt: JSON.stringify(request.prompt) });
        if (request.loraPath && request.whenBusy === 'refuse') throw new FeelbotError(ErrorCodes.LlmBusy, 'busy', { details: { retryAfterMs: 2_000 } });
        const text = request.loraPath ? 'Written after the LoRA reply ended.' : await baseLine();
        return { text, tokens: 5, truncated: false, firstTokenMs: 1, totalMs: 2 };
      },
      dispose: async () => undefined,
    });
    const { logger, lines } = capturedLogger('debug');
    const joyOnLora = { ...personas, joy: { ...personas.joy, lora } };
    const { deps, answers } = recordingDeps(undefined, { personas: joyOnLora, logger, generator: busyLora(async () => 'So happy for you!') });
    expect(await handleAnalysisJob(buildAnalysisJob(), deps)).toMatchObject({ status: 'answered', persona: 'joy' });
    expect(requests.map(({ loraPath, whenBusy }) => ({ loraPath, whenBusy }))).toEqual([{ loraPath: lora, whenBusy: 'refuse' }, { loraPath: undefined, whenBusy: undefined }]);
    // The same prompt: the persona's voice comes from it, as for a persona without a LoRA.
    expect(requests[1]!.prompt).toBe(requests[0]!.prompt);
    expect(answers[0]!.embeds[0]!.description).toBe('So happy for you!');
    expect(lines).toContainEqual(expect.objectContaining({ code: 'LLM_BUSY', persona: 'Joy', loraPath: lora }));
    // The base context failing too: the card goes without a line, as for any failed line.
    requests.length = 0;
    const failing = recordingDeps(undefined, { personas: joyOnLora, generator: busyLora(async () => Promise.reject(new Error('out of memory'))) });
    expect(await handleAnalysisJob(buildAnalysisJob(), failing.deps)).toMatchObject({ status: 'answered', persona: 'joy' });
    expect(requests).toHaveLength(2);
    expect(failing.answers[0]!.embeds[0]!.description).toBeUndefined();
  });

  it('a persona line the model started as a heading or a quote is shown on the card as a plain line', async () => {
    const { deps, answers } = recordingDeps('# So happy for you!\n>>> You did it!');
    await handleAnalysisJob(buildAnalysisJob(), deps);
    expect(answers[0]!.embeds[0]!.description).toBe('So happy for you!\nYou did it!');
  });
});

describe('the /feel card', () => {
  /** What the card says about an analysis, with the scores its chart was drawn from. */
  async function cardOf(analysis: EmotionAnalysis) {
    const { deps, answers, charted } = recordingDeps(undefined, {
      classifier: { classify: async (texts) => texts.map(() => analysis), dispose: async () => undefined },
    });
    await handleAnalysisJob(buildAnalysisJob(), deps);
    const embed = answers[0]!.embeds[0]!;
    return { title: embed.title!, field: embed.fields![0]!, chart: charted[0] };
  }

  /** Every percentage the card gives right after the emotion's name ("Surprise, 6%", "**Surprise 84%**"). */
  function percentagesOf(name: string, text: string): number[] {
    return [...text.matchAll(new RegExp(`${name}\\W{0,3}(\\d+)%`, 'g'))].map((match) => Number(match[1]));
  }

  it('a mostly neutral text: the core emotion has one percentage, its share of the emotions as the chart draws it, and the neutral share is said apart', async () => {
    // As the shipped model reads "Can you send me the file?": 88% neutral; of the rest, 84% surprise.
    const scores = buildScores({ surprise: 0.84, joy: 0.06, fear: 0.04, sadness: 0.03, love: 0.02, anger: 0.01 });
    const { title, field, chart } = await cardOf(buildAnalysis({ emotion: 'surprise', confidence: 0.84 * 0.12, neutral: true, scores }));
    expect(title).toBe(`${personas.surprise.emoji} Core emotion: Surprise (mostly neutral: 88% no strong emotion)`);
    expect(field.name).toBe('Emotion mix (neutral left out)');
    expect(field.value).toMatch(/^\*\*Surprise 84%\*\* · Joy 6% · /);
    expect(percentagesOf('Surprise', `${title} ${field.value}`)).toEqual([84]);
    expect(chart).toEqual(scores);
  });

  it('an emotional text: the title names the emotion without a second percentage for it', async () => {
    const { title, field } = await cardOf(buildAnalysis({ emotion: 'joy', confidence: 0.85, neutral: false, scores: buildScores({ joy: 0.9 }) }));
    expect(title).toBe(`${personas.joy.emoji} Core emotion: Joy`);
    expect(percentagesOf('Joy', `${title} ${field.value}`)).toEqual([90]);
  });

  it('a text neutral for a weak top emotion (a model without a neutral class, or the LLM) says so without a neutral share', async () => {
    const { title, field } = await cardOf(buildAnalysis({ emotion: 'joy', confidence: 0.4, neutral: true, scores: buildScores({ joy: 0.4, sadness: 0.3, love: 0.15, anger: 0.05, fear: 0.05, surprise: 0.05 }) }));
    expect(title).toBe(`${personas.joy.emoji} Core emotion: Joy (mostly neutral: no emotion stands out)`);
    expect(percentagesOf('Joy', `${title} ${field.value}`)).toEqual([40]);
  });
});
