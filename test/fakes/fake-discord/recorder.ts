import type { APIAllowedMentions, APIEmbed } from 'discord-api-types/v10';

export interface RecordedFile {
  /** The multipart field, e.g. `files[0]`. */
  fieldName: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path below the versioned API base, e.g. `/channels/1/messages`. */
  path: string;
  query: Record<string, string>;
  /** Request headers; Authorization is reduced to its scheme so tokens never land in logs. */
  headers: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
  status: number;
  /** True when the response came from `failNext`, not from a route. */
  injected: boolean;
}

export interface WebhookExecution {
  at: number;
  webhookId: string;
  channelId: string;
  threadId: string | null;
  username: string | null;
  avatarUrl: string | null;
  /** The webhook's own avatar, stored when it was created or edited. */
  webhookAvatarHash: string | null;
  webhookAvatarBytes: Buffer | null;
  content: string;
  embeds: APIEmbed[];
  allowedMentions: APIAllowedMentions | null;
  /** The message flags the execute asked for (0 when absent). */
  flags: number;
  files: RecordedFile[];
  messageId: string;
}

export interface TypingCall {
  at: number;
  channelId: string;
}

export type InteractionResponseKind = 'callback' | 'editOriginal' | 'deleteOriginal' | 'followup' | 'editFollowup';

export interface InteractionResponse {
  at: number;
  interactionId: string;
  kind: InteractionResponseKind;
  /** The callback type (4 message, 5 deferred, …) for `callback` responses. */
  callbackType: number | null;
  body: Record<string, unknown>;
  files: RecordedFile[];
}

export interface WaitForOptions {
  /** Defaults to 5_000. */
  timeoutMs?: number;
}

/** 10 ms keeps waits responsive without busy-looping the event loop. */
const POLL_INTERVAL_MS = 10;

/** Everything the fake observed, in arrival order, for tests to assert on. */
export class Recorder {
  readonly requests: RecordedRequest[] = [];
  readonly unhandledRequests: RecordedRequest[] = [];
  readonly webhookExecutions: WebhookExecution[] = [];
  readonly typingCalls: TypingCall[] = [];
  readonly interactionResponses: InteractionResponse[] = [];

  /** Resolves with the first truthy value `probe` returns, or rejects after the timeout. */
  waitFor<T>(probe: () => T | undefined | null | false, options: WaitForOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          clearInterval(timer);
          reject(error as Error);
          return;
        }
        if (value) {
          clearInterval(timer);
          resolve(value);
        } else if (Date.now() - started >= timeoutMs) {
          clearInterval(timer);
          reject(new Error(`fake-discord waitFor timed out after ${timeoutMs}ms`));
        }
      };
      const timer = setInterval(check, POLL_INTERVAL_MS);
      check();
    });
  }
}
