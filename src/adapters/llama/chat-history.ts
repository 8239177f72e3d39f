import type { ChatHistoryItem } from 'node-llama-cpp';
import type { Prompt } from '../../ports/reply-generator.js';

/**
 * The port's prompt as node-llama-cpp chat history, ending with an empty model turn for
 * LlamaChat to complete. The chat wrapper decides how the system text is rendered (Gemma's,
 * which has no system role, folds it into the first user turn).
 */
export function toChatHistory(prompt: Prompt): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  if (prompt.system.trim() !== '') history.push({ type: 'system', text: prompt.system });
  for (const turn of prompt.turns) {
    history.push(turn.role === 'user' ? { type: 'user', text: turn.text } : { type: 'model', response: [turn.text] });
  }
  history.push({ type: 'model', response: [] });
  return history;
}
