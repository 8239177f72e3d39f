import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeContext } from './context.js';
import { shapeForIntents } from './intents.js';
import { guildCreatePayload } from './payloads/guild.js';
import { userPayload } from './payloads/user.js';
import { identifiedShard, shardOfGuild, shardReceives, type ShardPair } from './shards.js';
import { randomToken } from './snowflake.js';

interface Session {
  id: string;
  intents: number;
  /** IDENTIFY's `shard`: the session gets only the events of this shard's guilds (and DMs on shard 0). */
  shard: ShardPair;
  sequence: number;
  /** Every dispatch sent in this session, kept so a RESUME can replay what was missed. */
  sent: { s: number; t: string; d: unknown }[];
  socket: WebSocket | null;
}

export interface GatewayStats {
  identifies: number;
  resumes: number;
  heartbeats: number;
  /** The `shard` of every accepted IDENTIFY, in order. */
  identifiedShards: ShardPair[];
}

/** 4004: Discord's close code for an IDENTIFY or RESUME with a bad token. */
const AUTHENTICATION_FAILED = 4004;
/** 4002: Discord's close code for a frame that is not valid JSON. */
const DECODE_ERROR = 4002;
/** 4014: Discord's close code for an IDENTIFY asking a privileged intent the portal has not enabled. */
const DISALLOWED_INTENTS = 4014;
/** 4010: Discord's close code for an IDENTIFY whose `shard` is no valid [shard_id, num_shards]. */
const INVALID_SHARD = 4010;
/** 4011: Discord's close code for an IDENTIFY with fewer shards than the bot's guilds need. */
const SHARDING_REQUIRED = 4011;

/** The intents a bot must switch on in the developer portal before it may ask for them. */
export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

interface GatewayFrame {
  op: number;
  d: Record<string, unknown> | number | null;
}

function parseFrame(raw: string): GatewayFrame | null {
  try {
    const frame = JSON.parse(raw) as GatewayFrame;
    return typeof frame?.op === 'number' ? frame : null;
  } catch {
    return null;
  }
}

/**
 * The gateway side of the fake: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats and RESUME replay.
 * Sharded as Discord is: a session gets only its shard's guilds and their events.
 */
export class GatewayServer {
  readonly stats: GatewayStats = { identifies: 0, resumes: 0, heartbeats: 0, identifiedShards: [] };
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();
  readonly #sockets = new Set<WebSocket>();

  constructor(
    private readonly context: FakeContext,
    private readonly heartbeatIntervalMs: number,
    private readonly enabledPrivilegedIntents: number = PRIVILEGED_INTENTS,
    /** An IDENTIFY with fewer shards than this is closed with 4011. */
    private readonly requiredShards = 1,
  ) {}

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
  }

  /**
   * Sends a dispatch to every identified session of the shard it belongs to; sessions whose socket
   * is closed keep it for RESUME.
   */
  dispatch(event: string, data: unknown): void {
    for (const session of this.#sessions.values()) {
      if (shardReceives(session.shard, event, data)) this.#send(session, event, data);
    }
  }

  /** Closes every socket (or only the sessions' of shard `shardId`) with `code`, resumable by default, so clients reconnect and RESUME. */
  disconnectAll(code = 4000, shardId?: number): void {
    if (shardId === undefined) {
      for (const socket of this.#sockets) socket.close(code, 'fake-discord disconnect');
      return;
    }
    for (const session of this.#sessions.values()) {
      if (session.shard[0] === shardId) session.socket?.close(code, 'fake-discord disconnect');
    }
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    this.#sockets.add(ws);
    let session: Session | null = null;
    ws.on('close', () => {
      this.#sockets.delete(ws);
      if (session?.socket === ws) session.socket = null;
    });
    // A client dropping mid-frame must not crash the test process through an unhandled 'error'.
    ws.on('error', () => ws.terminate());
    ws.on('message', (raw) => {
      const payload = parseFrame(String(raw));
      if (!payload) return ws.close(DECODE_ERROR, 'Error while decoding payload.');
      const d = (payload.d ?? {}) as Record<string, unknown>;
      if (payload.op === GatewayOpcodes.Heartbeat) {
        this.stats.heartbeats++;
        ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
      } else if (payload.op === GatewayOpcodes.Identify) {
        if (d.token !== this.context.token) return ws.close(AUTHENTICATION_FAILED, 'Authentication failed.');
        if (Number(d.intents ?? 0) & PRIVILEGED_INTENTS & ~this.enabledPrivilegedIntents) return ws.close(DISALLOWED_INTENTS, 'Disallowed intent(s).');
        const shard = identifiedShard(d.shard);
        if (!shard) return ws.close(INVALID_SHARD, 'Invalid shard.');
        if (shard[1] < this.requiredShards) return ws.close(SHARDING_REQUIRED, 'Sharding required.');
        session = this.#identify(ws, Number(d.intents ?? 0), shard);
      } else if (payload.op === GatewayOpcodes.Resume) {
        session = this.#resume(ws, d);
      }
    });
    ws.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
  }

  #identify(ws: WebSocket, intents: number, shard: ShardPair): Session {
    this.stats.identifies++;
    this.stats.identifiedShards.push(shard);
    const session: Session = { id: randomToken(32), intents, shard, sequence: 0, sent: [], socket: ws };
    this.#sessions.set(session.id, session);
    const { store } = this.context;
    // Discord lists only the shard's guilds the bot is in: one it was removed from is neither in READY nor sent.
    const guilds = [...store.guilds.values()].filter(
      (guild) => shardOfGuild(guild.id, shard[1]) === shard[0] && store.findMember(guild.id, this.context.botUserId),
    );
    this.#send(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user: { ...userPayload(store.user(this.context.botUserId)), verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map(({ id }) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.context.gatewayUrl,
      shard: [...shard],
      application: { id: this.context.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
    });
    for (const guild of guilds) {
      this.#send(session, GatewayDispatchEvents.GuildCreate, guildCreatePayload(store, guild));
    }
    return session;
  }

  #resume(ws: WebSocket, d: Record<string, unknown>): Session | null {
    if (d.token !== this.context.token) {
      ws.close(AUTHENTICATION_FAILED, 'Authentication failed.');
      return null;
    }
    const session = this.#sessions.get(String(d.session_id));
    if (!session) {
      // d: false tells the client the session cannot be resumed and it must IDENTIFY again.
      ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null }));
      return null;
    }
    this.stats.resumes++;
    session.socket = ws;
    for (const missed of session.sent.filter((event) => event.s > Number(d.seq ?? 0))) {
      ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...missed }));
    }
    this.#send(session, GatewayDispatchEvents.Resumed, null);
    return session;
  }

  #send(session: Session, event: string, data: unknown): void {
    const shaped = shapeForIntents(event, data, session.intents, this.context.botUserId);
    if (shaped === null) return;
    const frame = { s: ++session.sequence, t: event, d: shaped.data };
    session.sent.push(frame);
    if (session.socket?.readyState === 1) session.socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...frame }));
  }
}
