import type { FakeStore } from './store.js';
import type { Recorder } from './recorder.js';

/** An interaction the fake dispatched, tracked so its callback and webhook routes can find it. */
export interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  acknowledged: boolean;
  originalMessageId: string | null;
  /** When Discord dispatched it (epoch ms): its callback and its token expire from then. */
  createdAt: number;
}

/** How long Discord waits for an interaction's first response, and how long its token then lives. */
export interface InteractionDeadlines {
  responseMs: number;
  tokenMs: number;
}

export interface Dispatcher {
  dispatch(event: string, data: unknown): void;
}

/** What every route handler may read and change. */
export interface FakeContext {
  store: FakeStore;
  recorder: Recorder;
  gateway: Dispatcher;
  token: string;
  botUserId: string;
  applicationId: string;
  interactions: Map<string, InteractionRecord>;
  interactionDeadlines: InteractionDeadlines;
  /** The `shards` GET /gateway/bot recommends. */
  recommendedShards: number;
  /** e.g. `ws://127.0.0.1:1234/gateway`; filled in once the server listens. */
  gatewayUrl: string;
  /** e.g. `http://127.0.0.1:1234/api/v10`; filled in once the server listens. */
  apiBase: string;
}
