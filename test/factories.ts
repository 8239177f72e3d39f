import { randomUUID } from 'node:crypto';
import { DEFAULT_PERSONAS } from '../src/domain/default-personas.js';
import type { EmotionScores } from '../src/domain/emotions.js';
import { DEFAULT_GUILD_SETTINGS, type GuildSettings } from '../src/domain/guild-settings.js';
import type { AnalysisJob } from '../src/jobs/analysis-job.js';
import type { AnalysisJobDeps } from '../src/jobs/handle-analysis-job.js';
import type { MessageJobDeps } from '../src/jobs/message-job-deps.js';
import type { MessageJob } from '../src/jobs/message-job.js';
import { NO_CHANNEL_BLOCKS, type ChannelBlocks } from '../src/ports/channel-blocks.js';
import { NO_DELETIONS } from '../src/ports/deleted-messages.js';
import { NO_EDITS } from '../src/ports/edited-messages.js';
import { NO_LOGS } from '../src/ports/logger.js';
import { NO_METRICS } from '../src/ports/metrics.js';
import { NO_REPLY_LIMITS } from '../src/ports/reply-limiter.js';
import type { EmotionAnalysis } from '../src/ports/emotion-classifier.js';

let nextSnowflake = 1_200_000_000_000_000_000n;

export function snowflake(): string {
  nextSnowflake += 1n;
  return nextSnowflake.toString();
}

export function buildMessageJob(overrides: Partial<MessageJob> = {}): MessageJob {
  return {
    version: 1,
    guildId: '1100000000000000001',
    channelId: '1100000000000000002',
    parentId: null,
    categoryId: null,
    isThread: false,
    messageId: snowflake(),
    author: { id: '1100000000000000003', displayName: 'Alice' },
    content: 'I finally got the job, I am so happy!',
    addressed: true,
    context: [],
    receivedAt: 1_700_000_000_000,
    ...overrides,
  };
}

/** A `/feel` analysis job, queued just now, with an interaction token of its own. */
export function buildAnalysisJob(overrides: Partial<AnalysisJob> = {}): AnalysisJob {
  return {
    version: 1,
    interactionId: snowflake(),
    applicationId: snowflake(),
    token: `interaction-token-${randomUUID()}`,
    guildId: snowflake(),
    channelId: snowflake(),
    userId: snowflake(),
    text: 'I finished my painting!',
    source: 'slash',
    receivedAt: Date.now(),
    ...overrides,
  };
}

export function buildScores(overrides: Partial<EmotionScores> = {}): EmotionScores {
  return { sadness: 0.02, joy: 0.9, love: 0.03, anger: 0.02, fear: 0.02, surprise: 0.01, ...overrides };
}

export function buildAnalysis(overrides: Partial<EmotionAnalysis> = {}): EmotionAnalysis {
  return { emotion: 'joy', confidence: 0.9, neutral: false, scores: buildScores(), ...overrides };
}

export function buildSettings(overrides: Partial<GuildSettings> = {}): GuildSettings {
  return { ...DEFAULT_GUILD_SETTINGS, ...overrides };
}

export const personas = DEFAULT_PERSONAS;

/**
 * The message use case's ports in memory: every message classified as joy, every reply "How
 * wonderful!", default settings, a replier that posts nowhere, a ledger that remembers nothing, no
 * logs, limits, deletions, edits or blocks. A test overrides the ports it looks at.
 */
export function buildMessageJobDeps(overrides: Partial<MessageJobDeps> = {}): MessageJobDeps {
  return {
    classifier: { classify: async (texts) => texts.map(() => buildAnalysis()), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async () => ({ text: 'How wonderful!', tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 2 }),
      dispose: async () => undefined,
    },
    personas,
    settings: { get: async () => DEFAULT_GUILD_SETTINGS, update: async () => DEFAULT_GUILD_SETTINGS },
    replier: { post: async () => ({ messageId: snowflake() }), findPosted: async () => undefined },
    ledger: { find: async () => undefined, record: async () => undefined, recordAttempt: async () => undefined, findAttempt: async () => undefined, findBegun: async () => undefined, forgetOwnAttempt: async () => undefined },
    typing: { start: () => () => undefined },
    logger: NO_LOGS,
    metrics: NO_METRICS,
    notifier: { notify: async () => undefined },
    limiter: NO_REPLY_LIMITS,
    deleted: NO_DELETIONS,
    edited: NO_EDITS,
    blocks: NO_CHANNEL_BLOCKS,
    ...overrides,
  };
}

/**
 * The /feel use case's ports in memory: every text classified as joy, every persona line "So happy
 * for you!", default settings, a responder that answers nowhere and has answered nothing, a chart
 * and avatars of placeholder bytes, no hosted avatar URLs, no logs, metrics or blocks. A test
 * overrides the ports it looks at.
 */
export function buildAnalysisJobDeps(overrides: Partial<AnalysisJobDeps> = {}): AnalysisJobDeps {
  return {
    classifier: { classify: async (texts) => texts.map(() => buildAnalysis()), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async () => ({ text: 'So happy for you!', tokens: 5, truncated: false, firstTokenMs: 1, totalMs: 2 }),
      dispose: async () => undefined,
    },
    personas,
    settings: { get: async () => DEFAULT_GUILD_SETTINGS, update: async () => DEFAULT_GUILD_SETTINGS },
    responder: { editOriginal: async () => undefined, hasAnswered: async () => false, answerPrivately: async () => undefined },
    blocks: NO_CHANNEL_BLOCKS,
    renderChart: () => Buffer.from('png'),
    avatarImage: async (persona) => ({ fileName: `${persona.emotion}.png`, bytes: Buffer.from('png'), contentType: 'image/png' }),
    avatarUrl: () => undefined,
    logger: NO_LOGS,
    metrics: NO_METRICS,
    ...overrides,
  };
}

/** The ChannelBlocks contract in memory, with no expiry: `codes` holds each blocked place's code. */
export function inMemoryChannelBlocks(): ChannelBlocks & { readonly codes: Map<string, string> } {
  const codes = new Map<string, string>();
  return {
    codes,
    blockedBy: async (places) => places.map((place) => codes.get(place)).find((code) => code !== undefined),
    block: async (place, code) => void codes.set(place, code),
  };
}
