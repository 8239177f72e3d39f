import { z } from 'zod';
import { ErrorCodes, FeelbotError } from './errors.js';
import { LLM_DEFAULTS } from './adapters/llama/llm-defaults.js';
import { ONNX_DTYPES, type OnnxDtype } from './adapters/transformers/onnx-dtype.js';
import { MAX_CONTEXT_MESSAGES } from './jobs/message-job.js';
import { MAX_SHARD_COUNT, parseShardIds, shardPlanProblem, type ShardPlan } from './shard-plan.js';

/** Hash-tagged so every BullMQ key of one queue lands in one Redis Cluster slot. */
export const DEFAULT_QUEUE_PREFIX = '{feelbot}';

/** The earlier project's model: Gemma-2-2B-it, 4-bit K-quant (about 1.7 GB). */
export const DEFAULT_LLM_MODEL = 'hf:bartowski/gemma-2-2b-it-GGUF:Q4_K_M';

const GPU_MODES = ['auto', 'cuda', 'vulkan', 'cpu'] as const;
const EMOTION_BACKENDS = ['onnx', 'llm'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A setting that takes one of a few words. */
export interface ChoiceSetting<Value extends string = string> {
  readonly values: readonly [Value, ...Value[]];
  readonly default: Value;
}

/** The word settings' allowed values and defaults: the schema's, and what the README's table must say. */
export const CHOICE_SETTINGS = {
  EMOTION_BACKEND: { values: EMOTION_BACKENDS, default: 'onnx' },
  LLM_GPU: { values: GPU_MODES, default: 'auto' },
  LOG_LEVEL: { values: LOG_LEVELS, default: 'info' },
} as const satisfies Record<string, ChoiceSetting>;

/** Blank values never get here (see withoutBlanks); the rest are trimmed. */
const optionalString = z.string().trim().optional();

/**
 * An http:// or https:// URL. A bare z.url() takes `localhost:8080/api`, read as the scheme
 * "localhost:", which fails only at the first request.
 */
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** How long a reply waits for the same author's follow-up messages, by default. */
export const DEFAULT_BURST_WINDOW_MS = 2_500;
/** LLM_TIMEOUT_MS's default: one reply's generation. */
export const DEFAULT_LLM_TIMEOUT_MS = LLM_DEFAULTS.timeoutMs;

/** A whole-number setting: inclusive bounds, and its value when unset. */
export interface IntegerSetting {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** The number settings' allowed ranges and defaults: the schema's, and what the README's table must say. */
export const INTEGER_SETTINGS = {
  LLM_SEQUENCES: { min: 1, max: 64, default: LLM_DEFAULTS.sequences },
  LLM_LORA_SEQUENCES: { min: 1, max: 64, default: LLM_DEFAULTS.loraSequences },
  LLM_CONTEXT_SIZE: { min: 256, max: 131_072, default: LLM_DEFAULTS.contextSize },
  LLM_TIMEOUT_MS: { min: 1_000, max: 600_000, default: DEFAULT_LLM_TIMEOUT_MS },
  JOB_LOCK_MS: { min: 1_000, max: 600_000, default: 30_000 },
  // A job carries at most MAX_CONTEXT_MESSAGES earlier messages; more would be dropped silently.
  CONTEXT_MESSAGES: { min: 0, max: MAX_CONTEXT_MESSAGES, default: 6 },
  BURST_WINDOW_MS: { min: 250, max: 60_000, default: DEFAULT_BURST_WINDOW_MS },
  HTTP_PORT: { min: 0, max: 65_535, default: 8_080 },
  METRICS_PORT: { min: 0, max: 65_535, default: 0 },
} as const satisfies Record<string, IntegerSetting>;

const integer = ({ min, max, default: fallback }: IntegerSetting) => z.coerce.number().int().min(min).max(max).default(fallback);
const choice = <Value extends string>({ values, default: fallback }: ChoiceSetting<Value>) => z.enum(values).default(fallback);

/**
 * DISCORD_SHARDS: `auto`, or the shard ids this gateway runs (`0,1`, `0-3`). Defaults to `auto`,
 * every shard Discord recommends, in this gateway: what one gateway must run past 2,500 guilds, and one shard below that.
 */
const shardIds = z
  .string()
  .trim()
  .default('auto')
  .transform((text, context): 'auto' | readonly number[] => {
    if (text === 'auto') return 'auto';
    const parsed = parseShardIds(text);
    if ('ids' in parsed) return parsed.ids;
    context.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

/** Checked against each other: a problem in one sets both aside in a command that reads neither. */
const SHARD_SETTINGS: readonly string[] = ['DISCORD_SHARDS', 'DISCORD_SHARD_COUNT'];

/** Every variable feelbot reads. `.env.example` documents each one. */
const EnvSchema = z.object({
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_API_URL: httpUrl().default('https://discord.com/api'),
  DISCORD_CDN_URL: httpUrl().default('https://cdn.discordapp.com'),
  DISCORD_SHARDS: shardIds,
  /** The total shard count across every gateway; required when DISCORD_SHARDS lists ids. No default. */
  DISCORD_SHARD_COUNT: z.coerce.number().int().min(1).max(MAX_SHARD_COUNT).optional(),
  // ioredis reads any other scheme as a Unix socket path, and then fails with a puzzling ENOENT.
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  EMOTION_MODEL: z.string().min(1).default('models/emotion'),
  EMOTION_BACKEND: choice(CHOICE_SETTINGS.EMOTION_BACKEND),
  EMOTION_LABEL_MAP: optionalString,
  /** The ONNX weights EMOTION_MODEL is read at (q8 is onnx/model_quantized.onnx). No default: the model's own choice. */
  EMOTION_DTYPE: z.enum(ONNX_DTYPES).optional(),
  LLM_MODEL: z.string().min(1).default(DEFAULT_LLM_MODEL),
  // Read from the environment by node-llama-cpp and transformers.js themselves, for gated or private models; listed so it is documented and redacted.
  HF_TOKEN: optionalString,
  LLM_GPU: choice(CHOICE_SETTINGS.LLM_GPU),
  LLM_SEQUENCES: integer(INTEGER_SETTINGS.LLM_SEQUENCES),
  LLM_LORA_SEQUENCES: integer(INTEGER_SETTINGS.LLM_LORA_SEQUENCES),
  LLM_CONTEXT_SIZE: integer(INTEGER_SETTINGS.LLM_CONTEXT_SIZE),
  LLM_TIMEOUT_MS: integer(INTEGER_SETTINGS.LLM_TIMEOUT_MS),
  JOB_LOCK_MS: integer(INTEGER_SETTINGS.JOB_LOCK_MS),
  MODELS_DIR: z.string().min(1).default('models'),
  PERSONAS_FILE: optionalString,
  AVATAR_BASE_URL: httpUrl().optional(),
  CONTEXT_MESSAGES: integer(INTEGER_SETTINGS.CONTEXT_MESSAGES),
  BURST_WINDOW_MS: integer(INTEGER_SETTINGS.BURST_WINDOW_MS),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: integer(INTEGER_SETTINGS.HTTP_PORT),
  METRICS_PORT: integer(INTEGER_SETTINGS.METRICS_PORT),
  LOG_LEVEL: choice(CHOICE_SETTINGS.LOG_LEVEL),
}).superRefine(
  (env, context) => {
    const problem = shardPlanProblem(env.DISCORD_SHARDS, env.DISCORD_SHARD_COUNT);
    if (problem) context.addIssue({ code: 'custom', path: [problem.setting], message: problem.message });
  },
  // Also when other settings are wrong, so a bad boot lists every problem; not when one of these two is, already listed.
  { when: (payload) => !payload.issues.some((issue) => SHARD_SETTINGS.includes(String(issue.path?.[0]))) },
);

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  readonly discord: {
    readonly token: string | undefined;
    readonly applicationId: string | undefined;
    readonly apiUrl: string;
    /** Where Discord serves images (the personas' avatars, uploaded as the application's emojis). */
    readonly cdnUrl: string;
    /** The shards a gateway runs. */
    readonly shards: ShardPlan;
  };
  readonly redis: { readonly url: string; readonly prefix: string };
  /** A worker holds a job's lock this long between renewals; a dead worker's job moves on after it. */
  readonly jobLockMs: number;
  readonly emotion: {
    readonly model: string;
    readonly backend: (typeof EMOTION_BACKENDS)[number];
    readonly labelMapFile: string | undefined;
    /** Which ONNX weights to load; undefined leaves it to the model (a feelbot folder's default, its transformers.js_config). */
    readonly dtype: OnnxDtype | undefined;
  };
  readonly llm: {
    readonly model: string;
    readonly gpu: (typeof GPU_MODES)[number];
    readonly sequences: number;
    /** Sequences of each LoRA adapter's own context: one persona's replies generated at once. */
    readonly loraSequences: number;
    readonly contextSize: number;
    /** Longest one reply's generation may take; waiting for a free sequence does not count. */
    readonly timeoutMs: number;
  };
  readonly modelsDir: string;
  readonly personasFile: string | undefined;
  readonly avatarBaseUrl: string | undefined;
  readonly contextMessages: number;
  /** One author's messages in one channel closer together than this get one reply. */
  readonly burstWindowMs: number;
  readonly http: { readonly host: string; readonly port: number };
  /** Where a separate worker or gateway serves /healthz and /metrics; 0 serves nothing. */
  readonly metricsPort: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

export type ConfigVariable = keyof Env;

export interface LoadConfigOptions {
  /**
   * The variables the command reads (default: all). A bad value in any other one does not stop it:
   * that variable takes its default and the problem comes back in `ignored`, to be warned about.
   */
  readonly reads?: readonly ConfigVariable[];
}

/** What loadConfigFor read, and the problems it set aside in variables the command does not read. */
export interface LoadedConfig {
  readonly config: Config;
  readonly ignored: readonly string[];
}

/** Reads the whole environment at once, so a bad boot lists every problem rather than the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfigFor(env).config;
}

/**
 * loadConfig for one command: a variable the command does not read (a worker's REDIS_URL in a
 * .env that `feelbot analyze` happens to find) cannot stop it, but is not silently accepted either.
 */
export function loadConfigFor(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): LoadedConfig {
  const given = withoutBlanks(env);
  const parsed = EnvSchema.safeParse(given);
  if (parsed.success) return { config: Object.freeze(toConfig(parsed.data)), ignored: [] };
  const reads = new Set<string>(options.reads ?? CONFIG_VARIABLES);
  const describe = (issue: z.core.$ZodIssue) => `${issue.path.join('.')}: ${issue.message}`;
  const fatal = parsed.error.issues.filter((issue) => reads.has(String(issue.path[0])));
  if (fatal.length > 0) {
    const problems = fatal.map(describe);
    throw new FeelbotError(ErrorCodes.ConfigInvalid, `Invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      userFacing: true,
      permanent: true,
      details: { problems },
    });
  }
  const unread = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  if (SHARD_SETTINGS.some((name) => unread.has(name))) for (const name of SHARD_SETTINGS) unread.add(name);
  const kept = Object.fromEntries(Object.entries(given).filter(([name]) => !unread.has(name)));
  return { config: Object.freeze(toConfig(EnvSchema.parse(kept))), ignored: parsed.error.issues.map(describe) };
}

/**
 * A variable set to nothing (`HTTP_PORT=` in a .env file, `${VAR:-}` in compose) means "not set":
 * its default applies, instead of 0 for a number (a random port, no context) or an error.
 */
function withoutBlanks(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value === undefined || value.trim() !== ''));
}

function toConfig(env: Env): Config {
  return {
    discord: {
      token: env.DISCORD_TOKEN,
      applicationId: env.DISCORD_APPLICATION_ID,
      apiUrl: env.DISCORD_API_URL.replace(/\/+$/, ''),
      cdnUrl: env.DISCORD_CDN_URL.replace(/\/+$/, ''),
      shards: shardPlanOf(env.DISCORD_SHARDS, env.DISCORD_SHARD_COUNT),
    },
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    jobLockMs: env.JOB_LOCK_MS,
    emotion: { model: env.EMOTION_MODEL, backend: env.EMOTION_BACKEND, labelMapFile: env.EMOTION_LABEL_MAP, dtype: env.EMOTION_DTYPE },
    llm: {
      model: env.LLM_MODEL,
      gpu: env.LLM_GPU,
      sequences: env.LLM_SEQUENCES,
      loraSequences: env.LLM_LORA_SEQUENCES,
      contextSize: env.LLM_CONTEXT_SIZE,
      timeoutMs: env.LLM_TIMEOUT_MS,
    },
    modelsDir: env.MODELS_DIR,
    personasFile: env.PERSONAS_FILE,
    avatarBaseUrl: env.AVATAR_BASE_URL?.replace(/\/+$/, ''),
    contextMessages: env.CONTEXT_MESSAGES,
    burstWindowMs: env.BURST_WINDOW_MS,
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT },
    metricsPort: env.METRICS_PORT,
    logLevel: env.LOG_LEVEL,
  };
}

/** The schema's check makes listed shard ids come with their count. */
function shardPlanOf(shards: 'auto' | readonly number[], count: number | undefined): ShardPlan {
  if (shards === 'auto') return 'auto';
  if (count === undefined) throw new Error('DISCORD_SHARDS lists shard ids without DISCORD_SHARD_COUNT');
  return { ids: shards, count };
}

/** The names of every variable, for checks that docs and compose files stay in step with the schema. */
export const CONFIG_VARIABLES = Object.freeze(Object.keys(EnvSchema.shape));

/** Every variable's value when unset (undefined for those with none), for checks that the docs say the same. */
export const CONFIG_DEFAULTS: Readonly<Env> = Object.freeze(EnvSchema.parse({}));

/** A process that talks to Discord cannot start without a token; say how to get one. */
export function requireDiscordToken(config: Config): string {
  if (config.discord.token) return config.discord.token;
  throw new FeelbotError(
    ErrorCodes.ConfigInvalid,
    [
      'DISCORD_TOKEN is not set.',
      'Create an application at https://discord.com/developers/applications, open "Bot",',
      'press "Reset Token", and put the token in .env as DISCORD_TOKEN=... (see .env.example).',
      'Enable the Message Content intent on the same page so the bot can read mentions.',
    ].join('\n'),
    { userFacing: true, permanent: true, details: { missing: ['DISCORD_TOKEN'] } },
  );
}
