/**
 * The Email adapter: IMAP (IDLE push, polling fallback) in, SMTP out, every
 * mail thread its own conversation.
 */
export { EmailAdapter, EmailWire } from './email-adapter.ts';
export {
  EMAIL_DEFAULTS,
  EMAIL_PLATFORM,
  type EmailOptions,
  type EmailServerOptions,
} from './email-options.ts';
export { emailPlatform } from './email-platform.ts';
export { imapFailure } from './imap-inbox.ts';
export { skipReason } from './mail-filter.ts';
export { stripQuotedReply } from './quoted-text.ts';
export { classifySmtpError, smtpFailure } from './smtp-outbox.ts';
export { messageIds, replySubject, threadRoot } from './thread-headers.ts';
