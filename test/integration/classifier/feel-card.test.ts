import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { loadEmotionModel, type EmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { emotionLabel, type EmotionScores } from '../../../src/domain/emotions.js';
import { DEFAULT_GUILD_SETTINGS } from '../../../src/domain/guild-settings.js';
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

  it('a mostly neutral question gives its core emotion one percentage (title, Scores field and chart agree) and the neutral share in words', async () => {
    const answers: InteractionResponse[] = [];
    const charted: EmotionScores[] = [];
    await handleAnalysisJob(buildAnalysisJob({ text: 'Can you send me the file?' }), {
      classifier: model,
      generator: { parallelism: 1, generate: async () => ({ text: 'Oh!', tokens: 1, truncated: false, firstTokenMs: 1, totalMs: 1 }), dispose: async () => undefined },
      personas,
      settings: { get: async () => DEFAULT_GUILD_SETTINGS, update: async () => DEFAULT_GUILD_SETTINGS },
      responder: { editOriginal: async (_app, _token, response) => void answers.push(response), hasAnswered: async () => false },
      renderChart: (scores) => (charted.push(scores), Buffer.from('png')),
      avatarImage: async () => ({ fileName: 'x.png', bytes: Buffer.from('png'), contentType: 'image/png' }),
      avatarUrl: () => undefined,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
    });
    const [analysis] = await model.classify(['Can you send me the file?']);
    const name = emotionLabel(analysis!.emotion);
    const embed = answers[0]!.embeds[0]!;
    const card = `${embed.title} ${embed.fields![0]!.name} ${embed.fields![0]!.value}`;
    // Was "Core emotion: Surprise, 6% confident (mostly neutral)" above "**Surprise 84%**" and an 84% bar.
    const given = [...card.matchAll(new RegExp(`${name}\\W{0,3}(\\d+)%`, 'g'))].map((match) => Number(match[1]));
    expect(given).toEqual([Math.round(charted[0]![analysis!.emotion] * 100)]);
    const neutral = new RegExp(`Core emotion: ${name} \\(mostly neutral: (\\d+)% no strong emotion\\)$`).exec(embed.title!);
    expect(Number(neutral?.[1])).toBeGreaterThan(50);
  });
});
