/**
 * The part of a baileys WhatsApp Web socket the adapter uses, and the factory
 * that makes one. The real factory is baileys' `makeWASocket`; tests give a
 * fake socket with a real baileys event emitter, because no WhatsApp server
 * can run offline.
 */
import { join } from 'node:path';
import { type BaileysEventEmitter, makeWASocket, type UserFacingSocketConfig, type WASocket } from 'baileys';

/** The platform name of WhatsApp messages. */
export const WHATSAPP_PLATFORM = 'whatsapp';

/** The socket calls the adapter makes (a subset of baileys' `WASocket`). */
export type WhatsAppSocket = Pick<
  WASocket,
  | 'sendMessage'
  | 'sendPresenceUpdate'
  | 'readMessages'
  | 'requestPairingCode'
  | 'updateMediaMessage'
  | 'end'
  | 'user'
> & {
  /** baileys' event emitter (`connection.update`, `creds.update`, `messages.upsert`, ...). */
  ev: BaileysEventEmitter;
};

/** Makes a socket from a baileys socket configuration. */
export type SocketFactory = (config: UserFacingSocketConfig) => WhatsAppSocket;

/** baileys' own factory: a real WhatsApp Web connection. */
export const makeBaileysSocket: SocketFactory = (config) => makeWASocket(config);

/** Folder of WhatsApp's auth state inside `HERMES_HOME`. */
export function whatsappAuthDir(home: string): string {
  return join(home, 'whatsapp', 'auth');
}
