/** Shows "… is typing" in a channel until the returned function is called. */
export interface TypingIndicator {
  start(channelId: string): () => void;
}
