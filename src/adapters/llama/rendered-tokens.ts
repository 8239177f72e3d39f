import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from 'node-llama-cpp';

/**
 * `history` as LlamaChat renders and tokenizes it for a first evaluation (getContextWindow), markup
 * and all: what a context must hold, and the tokens LlamaChat finds already read when they are.
 */
export function renderedTokens(model: LlamaModel, chatWrapper: ChatWrapper, history: ChatHistoryItem[]): Token[] {
  return chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
}
