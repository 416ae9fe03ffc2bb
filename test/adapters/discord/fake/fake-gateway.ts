/**
 * The gateway half of the fake Discord: a websocket (JSON encoding, no zlib)
 * speaking the real opcodes. HELLO on connect; IDENTIFY answered with READY and
 * GUILD_CREATE; heartbeats acknowledged; RESUME replays the dispatches the
 * client missed (by sequence number) and ends with RESUMED. Dispatches made
 * while the client is disconnected wait for its resume, as on Discord.
 */
import type { Server } from 'node:http';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  GatewayOpcodes,
  type GatewayReceivePayload,
  type GatewaySendPayload,
  type GatewayVoiceStateUpdateData,
} from 'discord-api-types/v10';
import { type WebSocket, WebSocketServer } from 'ws';
import { guildCreate, ready, snowflake, type World } from './payloads.ts';

/** A dispatch before the gateway numbers it. */
export type Dispatch = GatewayDispatchPayload extends infer T
  ? T extends GatewayDispatchPayload
    ? Omit<T, 's' | 'op'>
    : never
  : never;

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, for replay on resume. */
  sent: GatewayDispatchPayload[];
  socket: WebSocket | undefined;
}

/** Options of the fake gateway. */
export interface FakeGatewayOptions {
  token: string;
  world: World;
  heartbeatIntervalMs: number;
  /** The websocket URL clients are given (READY's resume_gateway_url). */
  url: () => string;
}

/** The fake Discord gateway on the fake's HTTP server (path `/gateway`). */
export class FakeGateway {
  /** IDENTIFY payloads received. */
  identifies = 0;
  /** RESUME payloads accepted. */
  resumes = 0;
  /** Heartbeats received. */
  heartbeats = 0;
  /** Every payload the clients sent, in order. */
  readonly received: GatewaySendPayload[] = [];
  /** Called with each voice state update (op 4) a client sends. */
  onVoiceStateUpdate: ((update: GatewayVoiceStateUpdateData) => void) | undefined;
  readonly #options: FakeGatewayOptions;
  #wss: WebSocketServer | undefined;
  #session: Session | undefined;
  readonly #sockets = new Set<WebSocket>();

  constructor(options: FakeGatewayOptions) {
    this.#options = options;
  }

  /** Serves the gateway on `server`. */
  attach(server: Server): void {
    this.#wss = new WebSocketServer({ server, path: '/gateway' });
    this.#wss.on('connection', (socket) => this.#connected(socket));
  }

  /** Whether a client is connected and identified or resumed. */
  get connected(): boolean {
    return this.#session?.socket !== undefined;
  }

  /** Sends a dispatch to the session (kept for replay; delivered now when connected). */
  dispatch(event: Dispatch): void {
    const session = this.#session;
    if (!session) return;
    session.seq += 1;
    const payload = { ...event, op: GatewayOpcodes.Dispatch, s: session.seq } as GatewayDispatchPayload;
    session.sent.push(payload);
    if (session.socket) send(session.socket, payload);
  }

  /** Cuts the connection without a close frame, as a network failure does. */
  drop(): void {
    const socket = this.#session?.socket;
    if (this.#session) this.#session.socket = undefined;
    socket?.terminate();
  }

  /** Closes the connection with a gateway close code (e.g. 4004 authentication failed). */
  closeWith(code: number): void {
    const socket = this.#session?.socket;
    if (this.#session) this.#session.socket = undefined;
    socket?.close(code, 'closed by the fake');
  }

  /** Closes every connection and the websocket server. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => (this.#wss ? this.#wss.close(() => resolve()) : resolve()));
  }

  #connected(socket: WebSocket): void {
    this.#sockets.add(socket);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (this.#session?.socket === socket) this.#session.socket = undefined;
    });
    socket.on('message', (data) => this.#received(socket, JSON.parse(String(data)) as GatewaySendPayload));
    send(socket, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.#options.heartbeatIntervalMs },
      t: null,
      s: null,
    });
  }

  #received(socket: WebSocket, payload: GatewaySendPayload): void {
    this.received.push(payload);
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.heartbeats += 1;
        send(socket, { op: GatewayOpcodes.HeartbeatAck, d: undefined, t: null, s: null });
        return;
      case GatewayOpcodes.Identify: {
        this.identifies += 1;
        if (payload.d.token !== this.#options.token) {
          socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        this.#session = { id: snowflake(), seq: 0, sent: [], socket };
        const { world } = this.#options;
        this.dispatch({
          t: GatewayDispatchEvents.Ready,
          d: ready(world, this.#session.id, this.#options.url()),
        });
        this.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreate(world) });
        return;
      }
      case GatewayOpcodes.VoiceStateUpdate:
        this.onVoiceStateUpdate?.(payload.d);
        return;
      case GatewayOpcodes.Resume: {
        const session = this.#session;
        if (!session || session.id !== payload.d.session_id || payload.d.token !== this.#options.token) {
          send(socket, { op: GatewayOpcodes.InvalidSession, d: false, t: null, s: null });
          return;
        }
        this.resumes += 1;
        session.socket = socket;
        for (const missed of session.sent.filter((p) => p.s > payload.d.seq)) send(socket, missed);
        this.dispatch({ t: GatewayDispatchEvents.Resumed, d: undefined });
        return;
      }
      default:
        return;
    }
  }
}

function send(socket: WebSocket, payload: GatewayReceivePayload): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
}
