import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import type { AnalysisJob } from '../../src/jobs/analysis-job.js';
import { handleAnalysisJob } from '../../src/jobs/handle-analysis-job.js';
import type { InteractionResponse } from '../../src/ports/interaction-responder.js';
import { buildAnalysis, personas, snowflake } from '../factories.js';

function buildAnalysisJob(overrides: Partial<AnalysisJob> = {}): AnalysisJob {
  return {
    version: 1,
    interactionId: snowflake(),
    applicationId: snowflake(),
    token: 'interaction-token-0123456789',
    guildId: snowflake(),
    channelId: snowflake(),
    userId: snowflake(),
    text: 'I finished my painting!',
    source: 'slash',
    receivedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('handleAnalysisJob', () => {
  it("the persona line in the /feel embed keeps no masked link or foreign invite, only a link from the analysed text", async () => {
    const answers: InteractionResponse[] = [];
    const line = 'So happy for you! [Claim your free Nitro](https://evil.example/gift) or join discord.gg/freenitro. Loved https://art.example/me too!';
    await handleAnalysisJob(buildAnalysisJob({ text: 'I finished my painting! https://art.example/me' }), {
      classifier: { classify: async (texts) => texts.map(() => buildAnalysis()), dispose: async () => undefined },
      generator: { parallelism: 1, generate: async () => ({ text: line, tokens: 12, truncated: false, firstTokenMs: 1, totalMs: 2 }), dispose: async () => undefined },
      personas,
      settings: { get: async () => DEFAULT_GUILD_SETTINGS, update: async () => DEFAULT_GUILD_SETTINGS },
      responder: { editOriginal: async (_app, _token, response) => void answers.push(response) },
      renderChart: () => Buffer.from('png'),
      avatarImage: async () => ({ fileName: 'joy.png', bytes: Buffer.from('png') }),
      logger: createLogger('silent', 'test'),
    });
    expect(answers[0]!.embeds[0]!.description).toBe('So happy for you! Claim your free Nitro or join. Loved https://art.example/me too!');
  });
});
