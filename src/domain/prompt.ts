/** One turn of the conversation as the model sees it. */
export interface PromptTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** A fully built prompt: the system text plus the conversation, last turn from the user. */
export interface Prompt {
  readonly system: string;
  readonly turns: readonly PromptTurn[];
  /**
   * Every tag the prompt quotes someone else under and every name another character goes by, the
   * likeliest next speaker first: a reply line opening with one of them is a turn written for
   * someone else. The persona's own names (its name, the name it posts under, those its own earlier
   * replies were posted under, and their character tags) are never among them: a line opening with
   * one is the persona's own. Defaults to none (a prompt quoting nobody by name).
   */
  readonly speakers?: readonly string[];
}
