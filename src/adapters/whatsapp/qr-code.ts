/**
 * Renders WhatsApp's linking QR code as text, small enough for a terminal or a
 * log viewer (two rows of modules per line, with qrcode-terminal).
 */
import { createRequire } from 'node:module';

interface QrcodeTerminal {
  generate(input: string, opts: { small: boolean }, cb: (output: string) => void): void;
}

const qrcodeTerminal = createRequire(import.meta.url)('qrcode-terminal') as QrcodeTerminal;

/**
 * The QR code for `data` as block characters.
 *
 * @example
 * console.log(renderQr(update.qr)); // scan it in WhatsApp → Linked devices
 */
export function renderQr(data: string): string {
  let rendered = '';
  qrcodeTerminal.generate(data, { small: true }, (output) => {
    rendered = output;
  });
  return rendered;
}

/** What the user is told next to the QR code. */
export const SCAN_QR_HINT =
  'WhatsApp: scan this QR code with your phone in WhatsApp → Settings → Linked devices → Link a device';

/** What the user is told next to the pairing code. */
export function pairingCodeHint(code: string): string {
  return `WhatsApp pairing code: ${formatPairingCode(code)}. On your phone open WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, and enter it`;
}

/** `ABCD1234` as `ABCD-1234`, as WhatsApp shows it. */
export function formatPairingCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}
