/**
 * Sending mail over SMTP with nodemailer, and what SMTP failures mean for the
 * gateway: a temporary refusal (4xx) or a lost connection is tried again later,
 * a refused login is fatal until the operator fixes the password.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { AdapterError } from '../../errors.ts';
import type { Attachment } from '../contract.ts';
import { type Failure, failureError } from '../kit/index.ts';
import { EMAIL_PLATFORM, type EmailServerOptions } from './email-options.ts';

/** One mail to send. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: Attachment[];
}

/** Sends the bot's mail through one SMTP account. */
export class SmtpOutbox {
  readonly #transport: Transporter<SMTPTransport.SentMessageInfo>;
  readonly #from: { name: string; address: string };

  constructor(opts: {
    server: EmailServerOptions;
    user: string;
    password: string;
    from: { name: string; address: string };
  }) {
    const { server } = opts;
    const plain = !server.secure && server.startTls === false;
    this.#transport = nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: server.secure,
      requireTLS: !server.secure && !plain,
      ignoreTLS: plain,
      auth: { user: opts.user, pass: opts.password },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
      ...(server.tls ? { tls: server.tls } : {}),
    });
    this.#from = opts.from;
  }

  /** Sends one mail; throws `AdapterError` (retryable or not) on failure. */
  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references?.length ? { references: mail.references } : {}),
        headers: {
          // RFC 3834: other auto-responders must not answer the bot (no mail loops)
          'Auto-Submitted': 'auto-replied',
          // Exchange/Outlook: no out-of-office replies to this mail
          'X-Auto-Response-Suppress': 'All',
        },
        attachments: (mail.attachments ?? []).map(toNodemailerAttachment),
      });
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  /** Closes pooled connections. */
  close(): void {
    this.#transport.close();
  }
}

function toNodemailerAttachment(file: Attachment): {
  filename?: string;
  contentType?: string;
  content?: Buffer;
  path?: string;
} {
  const out: { filename?: string; contentType?: string; content?: Buffer; path?: string } = {};
  if (file.fileName) out.filename = file.fileName;
  if (file.mimeType) out.contentType = file.mimeType;
  if (file.dataBase64 !== undefined) out.content = Buffer.from(file.dataBase64, 'base64');
  else if (file.url) out.path = file.url;
  return out;
}

/**
 * The reason of a nodemailer failure: a refused login needs the operator; a 4xx
 * answer is the server asking us to try later (greylisting, busy); other 5xx
 * refuse that mail; anything else is the connection failing.
 *
 * @example
 * classifySmtpError({ responseCode: 451 }).reason // 'rate_limited'
 */
export function classifySmtpError(error: unknown): Failure {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const detail = e.response ?? e.message ?? String(error);
  const code = e.responseCode;
  if (e.code === 'EAUTH' || code === 535 || code === 534 || code === 530) {
    return { reason: 'unauthorized', message: `SMTP login refused: ${detail}`, hint: 'check EMAIL_PASSWORD' };
  }
  if (code !== undefined && code >= 400 && code < 500) {
    return {
      reason: 'rate_limited',
      message: `SMTP server deferred the mail: ${detail}`,
      retryAfterMs: 60_000,
      code: `smtp_${code}`,
    };
  }
  if (code !== undefined && code >= 500) {
    return { reason: 'bad_request', message: `SMTP server refused the mail: ${detail}`, code: 'rejected' };
  }
  return { reason: 'network', message: `SMTP connection failed: ${detail}` };
}

/**
 * The `AdapterError` for a nodemailer failure (see `classifySmtpError`).
 *
 * @example
 * smtpFailure({ code: 'EAUTH' }).retryable // false
 */
export function smtpFailure(error: unknown): AdapterError {
  return failureError(EMAIL_PLATFORM, classifySmtpError(error), 'send mail', error);
}
