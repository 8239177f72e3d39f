import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_CHANNEL_BLOCKS } from '../../../src/ports/channel-blocks.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { loadEmotionModel, type EmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { emotionLabel, type EmotionScores } from '../../../src/domain/emotions.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
import type { PersonaSet } from '../../../src/domain/persona.js';
import { wholePercents } from '../../../src/domain/whole-percents.js';
import { handleAnalysisJob } from '../../../src/jobs/handle-analysis-job.js';
import type { InteractionResponse } from '../../../src/ports/interaction-responder.js';
import { buildAnalysisJob, personas } from '../../factories.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

describe('the /feel card on the shipped classifier', () => {
  let model: EmotionModel;
  beforeAll(async () => {
    model = await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL });
  });
  afterAll(async () => {
    await model.dispose();
  });

  /** The card /feel answers `text` with, and the scores its chart was drawn from. */
  async function cardFor(text: string, set: PersonaSet = personas) {
    const answers: InteractionResponse[] = [];
    const charted: EmotionScores[] = [];
    await handleAnalysisJob(buildAnalysisJob({ text }), {
      classifier: model,
      generator: { parallelism: 1, generate: async () => ({ text: 'Oh!', tokens: 1, truncated: false, firstTokenMs: 1, totalMs: 1 }), dispose: async () => undefined },
      personas: set,
      settings: { get: async () => DEFAULT_GUILD_SETTINGS, update: async () => DEFAULT_GUILD_SETTINGS },
      responder: { editOriginal: async (_app, _token, response) => void answers.push(response), hasAnswered: async () => false, answerPrivately: async () => expect.fail('a private deferral was answered as a public one') },
      blocks: NO_CHANNEL_BLOCKS,
      renderChart: (scores) => (charted.push(scores), Buffer.from('png')),
      avatarImage: async () => ({ fileName: 'x.png', bytes: Buffer.from('png'), contentType: 'image/png' }),
      avatarUrl: () => undefined,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
    });
    return { embed: answers[0]!.embeds[0]!, chart: charted[0]! };
  }

  it('a mostly neutral question gives its core emotion one percentage (title, Scores field and chart agree) and the neutral share in words', async () => {
    const { embed, chart } = await cardFor('Can you send me the file?');
    const [analysis] = await model.classify(['Can you send me the file?']);
    const name = emotionLabel(analysis!.emotion);
    const card = `${embed.title} ${embed.fields![0]!.name} ${embed.fields![0]!.value}`;
    // Was "Core emotion: Surprise, 6% confident (mostly neutral)" above "**Surprise 84%**" and an 84% bar.
    const given = [...card.matchAll(new RegExp(`${name}\\W{0,3}(\\d+)%`, 'g'))].map((match) => Number(match[1]));
    // The chart prints its scores' whole percents (renderEmotionChart).
    expect(given).toEqual([wholePercents(chart)[analysis!.emotion]]);
    const neutral = new RegExp(`Core emotion: ${name} \\(mostly neutral: (\\d+)% no strong emotion\\)$`).exec(embed.title!);
    expect(Number(neutral?.[1])).toBeGreaterThan(50);
  });

  // Each rounded on its own, they were 99% for "I finally got the job!" and 101% for "hello".
  it.each(['I finally got the job!', 'hello', 'why does nobody ever listen to me, this is so unfair'])(
    'the six shares the card gives for "%s" add up to 100 percent, as on the chart',
    async (text) => {
      const { embed, chart } = await cardFor(text);
      const shares = [...embed.fields![0]!.value.matchAll(/(\w+) (\d+)%/g)].map((match) => [match[1]!.toLowerCase(), Number(match[2])] as const);
      expect(shares).toHaveLength(6);
      expect(shares.reduce((sum, [, share]) => sum + share, 0)).toBe(100);
      expect(Object.fromEntries(shares)).toEqual(wholePercents(chart));
    },
  );

  it('with PERSONAS_FILE renaming the Joy persona, the title still names the emotion (Joy), as the Scores field does', async () => {
    const renamed: PersonaSet = { ...personas, joy: { ...personas.joy, name: 'Sunny' } };
    const { embed } = await cardFor('I passed every exam, I am so happy!', renamed);
    expect(embed.fields![0]!.value).toMatch(/^\*\*Joy \d+%\*\*/);
    expect(embed.title).toBe(`${personas.joy.emoji} Core emotion: Joy`);
  });
});
