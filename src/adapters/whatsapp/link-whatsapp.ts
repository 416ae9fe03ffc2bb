/**
 * Linking the gateway to a WhatsApp account interactively (`hermes gateway
 * setup`): shows the QR code (or the pairing code for a phone number) until the
 * user links the device on the phone, waits for the connection to open, saves
 * the credentials in `<HERMES_HOME>/whatsapp/auth` and closes the connection,
 * so the gateway can take over.
 *
 * A device that is linked already is not connected again (a second connection
 * with the same session makes WhatsApp close the gateway's own as "connection
 * replaced"); `relink: true` forgets it and links afresh, which is the fix when
 * the gateway reports that WhatsApp needs relink.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayError } from '../../errors.ts';
import type { AdapterLogger } from '../contract.ts';
import type { BackoffOptions } from './backoff.ts';
import { WhatsAppConnection } from './connection.ts';
import { renderQr } from './qr-code.ts';
import { makeBaileysSocket, type SocketFactory, whatsappAuthDir } from './socket.ts';

/** Options of `linkWhatsApp`. */
export interface LinkWhatsAppOptions {
  /** `HERMES_HOME`. */
  home: string;
  /** Phone number (digits with country code) to link by pairing code instead of a QR code. */
  pairingNumber?: string;
  /** Forget the linked device (if any) and link again. */
  relink?: boolean;
  /** Shows a QR code: `qr` is WhatsApp's data, `rendered` the same as block characters. Called again when it refreshes. */
  onQr?(qr: string, rendered: string): void;
  /** Shows the 8-character pairing code to type on the phone. */
  onCode?(code: string): void;
  /** Cancels linking (the promise rejects with `GATEWAY_ERR_ABORTED`). */
  signal?: AbortSignal;
  /** Makes the socket (default baileys' `makeWASocket`). */
  makeSocket?: SocketFactory;
  /** Where progress and baileys' own lines go (default: nowhere). */
  log?: AdapterLogger;
  /** Reconnect delays while waiting (default 1 s → 60 s). */
  backoff?: BackoffOptions;
}

/** The linked account. */
export interface LinkedAccount {
  /** The account's jid (`<number>:<device>@s.whatsapp.net`), when WhatsApp told it. */
  id: string | undefined;
  /** The account's display name, when known. */
  name: string | undefined;
  /** True when the device was linked already and nothing was done. */
  alreadyLinked: boolean;
}

const QUIET: AdapterLogger = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * Links WhatsApp and saves the credentials.
 *
 * @example
 * const account = await linkWhatsApp({
 *   home,
 *   onQr: (_qr, rendered) => console.log(rendered),
 *   onCode: (code) => console.log(`Enter ${code} in WhatsApp → Linked devices`),
 * });
 */
export async function linkWhatsApp(options: LinkWhatsAppOptions): Promise<LinkedAccount> {
  const authDir = whatsappAuthDir(options.home);
  if (options.relink) {
    await rm(authDir, { recursive: true, force: true });
  } else {
    const stored = await storedAccount(authDir);
    if (stored) return { ...stored, alreadyLinked: true };
  }
  return linkOnce(options);
}

/** The account of the stored credentials, when they belong to a linked device. */
async function storedAccount(authDir: string): Promise<Pick<LinkedAccount, 'id' | 'name'> | undefined> {
  let creds: { registered?: unknown; me?: { id?: string; name?: string } };
  try {
    creds = JSON.parse(await readFile(join(authDir, 'creds.json'), 'utf8'));
  } catch {
    return undefined;
  }
  return creds.registered === true ? { id: creds.me?.id, name: creds.me?.name } : undefined;
}

async function linkOnce(options: LinkWhatsAppOptions): Promise<LinkedAccount> {
  const signal = options.signal;
  if (signal?.aborted) throw cancelled();
  let prompted = false;
  let account: Pick<LinkedAccount, 'id' | 'name'> = { id: undefined, name: undefined };
  const connection = new WhatsAppConnection({
    authDir: whatsappAuthDir(options.home),
    makeSocket: options.makeSocket ?? makeBaileysSocket,
    log: options.log ?? QUIET,
    ...(options.pairingNumber ? { pairingNumber: options.pairingNumber } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    events: {
      onQr: (qr) => {
        prompted = true;
        options.onQr?.(qr, renderQr(qr));
      },
      onPairingCode: (code) => {
        prompted = true;
        options.onCode?.(code);
      },
      onOpen: (socket) => {
        account = { id: socket.user?.id, name: socket.user?.name ?? socket.user?.notify };
      },
    },
  });
  const onAbort = () => {
    connection.stop().catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await connection.connect();
    await connection.saveCreds();
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await connection.stop();
  }
  return { ...account, alreadyLinked: !prompted };
}

function cancelled(): GatewayError {
  return new GatewayError('GATEWAY_ERR_ABORTED', 'Linking WhatsApp was cancelled');
}
