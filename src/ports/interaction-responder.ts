export interface ResponseFile {
  readonly name: string;
  readonly data: Buffer;
  readonly contentType: string;
}

export interface InteractionEmbed {
  readonly author?: { readonly name: string; readonly iconUrl?: string };
  readonly title?: string;
  readonly description?: string;
  readonly color?: number;
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly value: string; readonly inline?: boolean }>;
  readonly imageUrl?: string;
  readonly footer?: string;
}

export interface InteractionResponse {
  readonly content?: string;
  readonly embeds: readonly InteractionEmbed[];
  readonly files: readonly ResponseFile[];
}

/** Completes a deferred interaction through its webhook (the worker has no gateway connection). */
export interface InteractionResponder {
  editOriginal(applicationId: string, token: string, response: InteractionResponse): Promise<void>;
}
