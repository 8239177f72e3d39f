/** One turn of the conversation as the model sees it. */
export interface PromptTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** A fully built prompt: the system text plus the conversation, last turn from the user. */
export interface Prompt {
  readonly system: string;
  readonly turns: readonly PromptTurn[];
}
