/**
 * The voice half of the fake Discord: a voice gateway websocket (v8, over TLS
 * with the self-signed loopback certificate beside this file, since the
 * library always dials `wss://`) and a UDP socket on 127.0.0.1 that answers IP
 * discovery. Identify (op 0) is answered with Hello (op 8) and Ready (op 2,
 * the UDP port and AES-256-GCM as the only mode); Select Protocol (op 1) with
 * Session Description (op 4, a key, DAVE version 0: no end-to-end encryption);
 * heartbeats (op 3) with acks (op 6).
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** The loopback certificate the voice websocket serves (trust it with `tls.setDefaultCACertificates`). */
export const VOICE_TLS_CERT = readFileSync(new URL('./voice-tls.crt', import.meta.url), 'utf8');
const VOICE_TLS_KEY = readFileSync(new URL('./voice-tls.key', import.meta.url), 'utf8');

/** The encryption mode the fake offers (Node's crypto has it). */
export const FAKE_VOICE_MODE = 'aead_aes256_gcm_rtpsize';

/** A voice op the client sent. */
export interface VoicePacket {
  op: number;
  // biome-ignore lint/suspicious/noExplicitAny: the fake records any payload
  d: any;
}

/** The fake voice server. */
export class FakeVoiceServer {
  /** Every payload clients sent, in order. */
  readonly received: VoicePacket[] = [];
  /** IP discovery requests answered. */
  discoveries = 0;
  /** The SSRC handed out. */
  readonly ssrc = 4242;
  /** The key of the session description. */
  readonly secretKey = [...randomBytes(32)];
  /** Voice websockets closed so far. */
  closedSockets = 0;
  readonly #https: Server;
  readonly #wss: WebSocketServer;
  readonly #udp: Socket;

  constructor() {
    this.#https = createServer({ cert: VOICE_TLS_CERT, key: VOICE_TLS_KEY });
    this.#wss = new WebSocketServer({ server: this.#https });
    this.#udp = createSocket('udp4');
  }

  /** `host:port` as VOICE_SERVER_UPDATE gives it. */
  get endpoint(): string {
    return `127.0.0.1:${(this.#https.address() as AddressInfo).port}`;
  }

  /** Starts both sockets on free loopback ports. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#https.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.#udp.bind(0, '127.0.0.1', resolve));
    this.#udp.on('message', (message, from) => {
      if (message.length !== 74 || message.readUInt16BE(0) !== 1) return;
      this.discoveries += 1;
      const answer = Buffer.alloc(74);
      answer.writeUInt16BE(2, 0);
      answer.writeUInt16BE(70, 2);
      answer.writeUInt32BE(message.readUInt32BE(4), 4);
      answer.write(from.address, 8, 'utf8');
      answer.writeUInt16BE(from.port, 72);
      this.#udp.send(answer, from.port, from.address);
    });
    const udpPort = (this.#udp.address() as AddressInfo).port;
    this.#wss.on('connection', (socket) => {
      const send = (op: number, d: unknown) => socket.send(JSON.stringify({ op, d }));
      socket.on('close', () => {
        this.closedSockets += 1;
      });
      socket.on('message', (data) => {
        const packet = JSON.parse(String(data)) as VoicePacket;
        this.received.push(packet);
        if (packet.op === 0) {
          send(8, { heartbeat_interval: 15_000 });
          send(2, {
            ssrc: this.ssrc,
            ip: '127.0.0.1',
            port: udpPort,
            modes: [FAKE_VOICE_MODE],
            heartbeat_interval: 1,
          });
        } else if (packet.op === 1) {
          send(4, { mode: packet.d.data.mode, secret_key: this.secretKey, dave_protocol_version: 0 });
        } else if (packet.op === 3) {
          send(6, { t: packet.d?.t ?? packet.d });
        }
      });
    });
    return this;
  }

  /** Closes everything. */
  async close(): Promise<void> {
    for (const socket of this.#wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.#https.close(() => resolve()));
    this.#udp.close();
  }
}
