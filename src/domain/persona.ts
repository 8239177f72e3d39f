import { z } from 'zod';
import { EMOTIONS } from './emotions.js';
import { cleanWebhookName, isAllowedWebhookName, WEBHOOK_NAME_RULE } from './webhook-name.js';

/** Discord caps webhook messages at 2,000 characters. */
export const DISCORD_MESSAGE_LIMIT = 2_000;

export const SamplingSchema = z.object({
  temperature: z.number().min(0).max(2),
  topP: z.number().gt(0).max(1),
  repeatPenalty: z.number().min(1).max(2),
  /** Upper bound on generated tokens; the character cap below is applied after cleaning. */
  maxTokens: z.number().int().min(8).max(1_024),
});

/** Text that must say something: blanks only are refused. */
const someText = (max: number) => z.string().max(max).refine((text) => text.trim().length > 0, 'must not be empty or blanks only');

export const PersonaSchema = z.object({
  emotion: z.enum(EMOTIONS),
  /** Shown as the webhook message's username, so it must be a name Discord accepts. */
  name: z.string().transform(cleanWebhookName).refine(isAllowedWebhookName, `must be ${WEBHOOK_NAME_RULE}`),
  /** 0xRRGGBB, used for embeds and the /feel chart. */
  color: z.number().int().min(0).max(0xff_ff_ff),
  emoji: z.string().min(1).max(16),
  /** File name under assets/avatars/, or an https URL. */
  avatar: someText(2_000),
  /** One line on how the character talks; part of the system prompt. */
  voice: someText(500),
  /** Who the character is and what it must never do. */
  systemPrompt: someText(4_000),
  sampling: SamplingSchema,
  maxReplyChars: z.number().int().min(40).max(DISCORD_MESSAGE_LIMIT),
  /** Path of a LoRA adapter (GGUF) that tunes this persona's voice; none when absent. */
  lora: someText(2_000).optional(),
});

export type Persona = z.infer<typeof PersonaSchema>;
export type PersonaSet = Readonly<Record<(typeof EMOTIONS)[number], Persona>>;
