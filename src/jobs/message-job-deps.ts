import type { PersonaSet } from '../domain/persona.js';
import type { AdminNotifier } from '../ports/admin-notifier.js';
import type { BurstCatchUp } from '../ports/burst-catch-up.js';
import type { ChannelBlocks } from '../ports/channel-blocks.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { DeliveryLedger } from '../ports/delivery-ledger.js';
import type { EditedMessages } from '../ports/edited-messages.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import type { MessageLookup } from '../ports/message-lookup.js';
import type { Metrics } from '../ports/metrics.js';
import type { PersonaReplier } from '../ports/persona-replier.js';
import type { ReplyLimiter } from '../ports/reply-limiter.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';
import type { ReplyPersonas } from '../ports/reply-personas.js';
import type { SettingsStore } from '../ports/settings-store.js';
import type { TypingIndicator } from '../ports/typing-indicator.js';

/** The ports a message job is handled with, injected by the worker (or the chat CLI, or a test). */
export interface MessageJobDeps {
  readonly classifier: EmotionClassifier;
  readonly generator: ReplyGenerator;
  readonly personas: PersonaSet;
  readonly settings: SettingsStore;
  readonly replier: PersonaReplier;
  readonly ledger: DeliveryLedger;
  readonly typing: TypingIndicator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly notifier: AdminNotifier;
  readonly limiter: ReplyLimiter;
  readonly deleted: DeletedMessages;
  readonly edited: Pick<EditedMessages, 'editsAmong'>;
  readonly blocks: ChannelBlocks;
  /**
   * Catches a burst's job up with its burst when a stale copy of the burst replaced the job that read
   * it all; absent where no gateway keeps bursts (the terminal chat).
   */
  readonly bursts?: BurstCatchUp;
  /**
   * Where a job that waited longer than the deletion markers last asks Discord whether its messages
   * and its place are still there; absent where nothing is deleted behind the bot (the terminal chat).
   */
  readonly messageLookup?: MessageLookup;
  /** Where each posted reply's persona is noted for the gateway; absent where no gateway reads the channel (the terminal chat). */
  readonly replyPersonas?: Pick<ReplyPersonas, 'record'>;
}
