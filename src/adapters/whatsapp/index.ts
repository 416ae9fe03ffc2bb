/**
 * The WhatsApp adapter (baileys, WhatsApp Web as a linked device).
 */
export { type BackoffOptions, RECONNECT_BACKOFF, reconnectDelayMs } from './backoff.ts';
export { type CloseAction, type CloseVerdict, classifyClose } from './disconnect.ts';
export {
  DEFAULT_MAX_MEDIA_BYTES,
  downloadWithBaileys,
  type MediaDownloader,
} from './inbound-media.ts';
export { toInboundParts, whatsappUserId } from './inbound-message.ts';
export { type LinkedAccount, type LinkWhatsAppOptions, linkWhatsApp } from './link-whatsapp.ts';
export { ownMessageKey, platformMessageId } from './message-id.ts';
export { formatPairingCode, renderQr } from './qr-code.ts';
export {
  makeBaileysSocket,
  type SocketFactory,
  WHATSAPP_PLATFORM,
  type WhatsAppSocket,
  whatsappAuthDir,
} from './socket.ts';
export {
  NEEDS_RELINK_MESSAGE,
  WHATSAPP_EDIT_INTERVAL_MS,
  WHATSAPP_MAX_MESSAGE_LENGTH,
  WhatsAppAdapter,
  type WhatsAppAdapterOptions,
  WhatsAppWire,
} from './whatsapp-adapter.ts';
export { readPairingNumber, type WhatsAppPlatformOptions, whatsappPlatform } from './whatsapp-platform.ts';
