/**
 * Every error feelbot raises on purpose. `code` is stable and machine-readable (metrics count
 * failures by it); `userFacing` separates the user's or operator's mistake, which is shown as
 * is, from a bug, which is logged and answered with a generic message.
 */
export const ErrorCodes = {
  ConfigInvalid: 'CONFIG_INVALID',
  JobInvalid: 'JOB_INVALID',
  /** BullMQ failed the job without running it: it stalled (its worker died) more often than allowed. */
  JobStalled: 'JOB_STALLED',
  /**
   * A run no longer holds its job's lock (its worker was paused, or cut off from Redis, longer than
   * JOB_LOCK_MS): another worker has the job, or will, so this run ends without posting or answering.
   */
  JobLost: 'JOB_LOST',
  MessageEmpty: 'MESSAGE_EMPTY',
  ModelNotFound: 'MODEL_NOT_FOUND',
  ModelCorrupt: 'MODEL_CORRUPT',
  ModelDownloadFailed: 'MODEL_DOWNLOAD_FAILED',
  /** EMOTION_MODEL is an architecture (config.json's model_type) transformers.js has no class for: no download or copy can help. */
  ModelUnsupported: 'MODEL_UNSUPPORTED',
  /** A disk has no room for what feelbot must write there (a model download into MODELS_DIR); details say how much. */
  DiskFull: 'DISK_FULL',
  /** MODELS_DIR cannot be written (a read-only volume, another user's folder) and a model it lacks must be downloaded there. */
  ModelsDirUnwritable: 'MODELS_DIR_UNWRITABLE',
  ModelLabelsUnmapped: 'MODEL_LABELS_UNMAPPED',
  /** A warning, not an error: a model's generic labels (LABEL_0…) were read in an assumed order. */
  ModelLabelsGuessed: 'MODEL_LABELS_GUESSED',
  /** A persona's LoRA adapter was made for another base model than LLM_MODEL. */
  LoraModelMismatch: 'LORA_MODEL_MISMATCH',
  /** The classifier answered nothing usable for a text (no analysis, or an LLM answer that is no label); a retry may do better. */
  ClassifierFailed: 'CLASSIFIER_FAILED',
  GpuUnavailable: 'GPU_UNAVAILABLE',
  LlmOutOfMemory: 'LLM_OUT_OF_MEMORY',
  /** A LoRA persona's sequences were all busy and the request asked not to wait; details.retryAfterMs says when to try again. */
  LlmBusy: 'LLM_BUSY',
  GenerationTimeout: 'GENERATION_TIMEOUT',
  /** A prompt does not fit the model's context; it is refused rather than answered with part of it dropped. */
  PromptTooLong: 'PROMPT_TOO_LONG',
  GenerationAborted: 'GENERATION_ABORTED',
  /** The model wrote nothing visible (whitespace, zero-width characters, only what cleaning removes); another sample may. */
  GenerationEmpty: 'GENERATION_EMPTY',
  PersonaFileInvalid: 'PERSONA_FILE_INVALID',
  DiscordRequestFailed: 'DISCORD_REQUEST_FAILED',
  /** A Discord rate limit asked for a longer wait than the REST client waits out; details.retryAfterMs says how long. */
  DiscordRateLimited: 'DISCORD_RATE_LIMITED',
  /** Discord could not be reached or answered 5xx at start-up; a restart may succeed. */
  DiscordUnavailable: 'DISCORD_UNAVAILABLE',
  /**
   * Discord closed a running gateway's shard with a code discord.js never reconnects after (4004,
   * 4010–4014; details.shardId, details.closeCode): the gateway stops, to be restarted by its supervisor.
   */
  DiscordSessionClosed: 'DISCORD_SESSION_CLOSED',
  DiscordPermissionMissing: 'DISCORD_PERMISSION_MISSING',
  /** Logged, not thrown: Discord refused many of a process's requests (401, 403, 429), on the way to an IP ban. */
  DiscordInvalidRequests: 'DISCORD_INVALID_REQUESTS',
  WebhookLimitReached: 'WEBHOOK_LIMIT_REACHED',
  /** Another worker held the channel's webhook-creation lock past the wait; a retry reuses its webhook. */
  WebhookBusy: 'WEBHOOK_BUSY',
  /** A cached webhook posts in another channel now (an admin moved it); the post is retried through a new one. */
  WebhookMoved: 'WEBHOOK_MOVED',
  /** The thread a reply was for was archived or locked meanwhile (a moderator closed it); nothing is posted. */
  ThreadClosed: 'THREAD_CLOSED',
  /** The thread or channel a reply was for was deleted meanwhile (a moderator or admin deleted it); nothing is posted. */
  ChannelDeleted: 'CHANNEL_DELETED',
  /** Not thrown: what blocks a server that removed the bot (kicked, banned, deleted), until it adds it again; its replies are skipped. */
  GuildLeft: 'GUILD_LEFT',
  /** A guild's settings kept changing under concurrent updates; a retry may succeed. */
  SettingsConflict: 'SETTINGS_CONFLICT',
  /** A guild's stored settings are no JSON object at all; an update refuses to overwrite them, and reads see the defaults. */
  SettingsUnreadable: 'SETTINGS_UNREADABLE',
  RedisUnavailable: 'REDIS_UNAVAILABLE',
  /**
   * Redis lost data feelbot had written (it restarted without persistence, failed over to a replica
   * behind it, or evicted keys): queued messages and jobs in flight are gone, and are not answered.
   */
  RedisDataLost: 'REDIS_DATA_LOST',
  /** A warning at start-up: Redis runs without AOF (appendonly no), so a restart of it would lose the queued messages. */
  RedisNotPersistent: 'REDIS_NOT_PERSISTENT',
  UsageInvalid: 'USAGE_INVALID',
  InputUnreadable: 'INPUT_UNREADABLE',
  InputInvalid: 'INPUT_INVALID',
  OutputUnwritable: 'OUTPUT_UNWRITABLE',
  /** A stop signal (details.signal: SIGINT, SIGTERM) ended a command before it finished its work. */
  Interrupted: 'INTERRUPTED',
  /** Logged, not thrown: a process still stopping 30 s after a stop signal (details.signal) exits 1 without finishing its stop. */
  ShutdownTimeout: 'SHUTDOWN_TIMEOUT',
  /** Logged, not thrown: a worker's stop gave up on jobs still running past its grace (details.jobIds) while Redis answered; they are left to the stalled-job check. */
  JobsUnfinished: 'JOBS_UNFINISHED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface FeelbotErrorOptions {
  readonly cause?: unknown;
  /** True when the message is meant for the user or operator, not a bug report. */
  readonly userFacing?: boolean;
  /** True when retrying cannot help (a malformed job, a missing file). */
  readonly permanent?: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class FeelbotError extends Error {
  readonly code: ErrorCode;
  readonly userFacing: boolean;
  readonly permanent: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: FeelbotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = `FeelbotError[${code}]`;
    this.code = code;
    this.userFacing = options.userFacing ?? false;
    this.permanent = options.permanent ?? false;
    this.details = options.details ?? {};
  }
}

export function isFeelbotError(error: unknown, code?: ErrorCode): error is FeelbotError {
  return error instanceof FeelbotError && (code === undefined || error.code === code);
}

/** The code to count a failure under: ours when we raised it, else UNEXPECTED. */
export function errorCodeOf(error: unknown): string {
  return error instanceof FeelbotError ? error.code : 'UNEXPECTED';
}
