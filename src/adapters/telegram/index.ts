/**
 * The Telegram adapter (grammY): long polling or a webhook on the HTTP ingress, DMs, groups and
 * forum topics, streaming by edits, photos, documents and voice notes.
 */
export { COMMAND_NAME, toBotCommands } from './command-menu.ts';
export { classifyMessage, platformMessageId } from './inbound-message.ts';
export { type BotIdentity, isAddressedToBot, stripBotMention } from './mention-gate.ts';
export { TelegramAdapter, TelegramWire } from './telegram-adapter.ts';
export { classifyTelegramError, TELEGRAM_PLATFORM, toAdapterError } from './telegram-errors.ts';
export {
  TELEGRAM_DEFAULTS,
  TELEGRAM_MAX_MESSAGE_LENGTH,
  type TelegramOptions,
  type TelegramWebhookOptions,
  type Transcriber,
} from './telegram-options.ts';
export { readTelegramOptions, telegramPlatform } from './telegram-platform.ts';
export { SECRET_HEADER, telegramWebhookRoute } from './telegram-webhook.ts';
export { parseUpdate } from './update-schema.ts';
