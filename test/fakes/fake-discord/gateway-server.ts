import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeContext } from './context.js';
import { shapeForIntents } from './intents.js';
import { guildCreatePayload } from './payloads/guild.js';
import { userPayload } from './payloads/user.js';
import { randomToken } from './snowflake.js';

interface Session {
  id: string;
  intents: number;
  sequence: number;
  /** Every dispatch sent in this session, kept so a RESUME can replay what was missed. */
  sent: { s: number; t: string; d: unknown }[];
  socket: WebSocket | null;
}

export interface GatewayStats {
  identifies: number;
  resumes: number;
  heartbeats: number;
}

/** 4004: Discord's close code for an IDENTIFY or RESUME with a bad token. */
const AUTHENTICATION_FAILED = 4004;
/** 4002: Discord's close code for a frame that is not valid JSON. */
const DECODE_ERROR = 4002;
/** 4014: Discord's close code for an IDENTIFY asking a privileged intent the portal has not enabled. */
const DISALLOWED_INTENTS = 4014;

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

/** The gateway side of the fake: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats and RESUME replay. */
export class GatewayServer {
  readonly stats: GatewayStats = { identifies: 0, resumes: 0, heartbeats: 0 };
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();
  readonly #sockets = new Set<WebSocket>();

  constructor(
    private readonly context: FakeContext,
    private readonly heartbeatIntervalMs: number,
    private readonly enabledPrivilegedIntents: number = PRIVILEGED_INTENTS,
  ) {}

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
  }

  /** Sends a dispatch to every identified session; sessions whose socket is closed keep it for RESUME. */
  dispatch(event: string, data: unknown): void {
    for (const session of this.#sessions.values()) this.#send(session, event, data);
  }

  /** Closes every socket with a resumable code, so clients reconnect and RESUME. */
  disconnectAll(code = 4000): void {
    for (const socket of this.#sockets) socket.close(code, 'fake-discord disconnect');
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
        session = this.#identify(ws, Number(d.intents ?? 0));
      } else if (payload.op === GatewayOpcodes.Resume) {
        session = this.#resume(ws, d);
      }
    });
    ws.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
  }

  #identify(ws: WebSocket, intents: number): Session {
    this.stats.identifies++;
    const session: Session = { id: randomToken(32), intents, sequence: 0, sent: [], socket: ws };
    this.#sessions.set(session.id, session);
    const { store } = this.context;
    // Discord lists only the guilds the bot is in: one it was removed from is neither in READY nor sent.
    const guilds = [...store.guilds.values()].filter((guild) => store.findMember(guild.id, this.context.botUserId));
    this.#send(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user: { ...userPayload(store.user(this.context.botUserId)), verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map(({ id }) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.context.gatewayUrl,
      shard: [0, 1],
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
