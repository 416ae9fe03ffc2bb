/**
 * The mail world around the bot in the email tests: a real Dovecot holds the
 * bot's mailbox, and an SMTP receiver (the npm smtp-server, on a free loopback
 * port) plays the mail provider's submission server. Mail for the bot's address
 * is delivered into its Dovecot INBOX by IMAP APPEND, as a mail server would;
 * mail for anyone else is captured and parsed with mailparser so tests can read
 * what the bot sent. The human (alice) writes real MIME with nodemailer over
 * SMTP to the same receiver.
 */
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { EmailOptions } from '../../../src/adapters/email/index.ts';
import { DOVECOT_PASSWORD, type Dovecot } from './dovecot.ts';

/** The human's address in every test. */
export const ALICE = 'alice@example.test';

/** A mail the receiver accepted for someone other than the bot. */
export interface CapturedMail {
  rcpt: string[];
  raw: Buffer;
  mail: ParsedMail;
}

/** What the human can put in a mail. */
export interface HumanMail {
  from?: string;
  to?: string;
  subject?: string;
  text?: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** A bot mailbox on Dovecot plus the SMTP receiver. */
export interface MailWorld {
  botAddress: string;
  botPassword: string;
  /** Adapter options pointed at this world (IDLE push; polling every hour unless changed). */
  options(extra?: Partial<EmailOptions>): EmailOptions;
  /** Mail the bot sent (captured by the receiver), oldest first. */
  sent: CapturedMail[];
  /** Every mail delivered into the bot's INBOX, by Message-ID. */
  delivered: Map<string, Buffer>;
  /** The human sends a mail through the receiver; resolves with its Message-ID once it is in the INBOX. */
  send(mail: HumanMail): Promise<string>;
  /** Puts raw mail into the bot's INBOX. */
  deliver(raw: Buffer): Promise<void>;
  /** Flags of the mail with that Message-ID in the bot's INBOX. */
  flagsOf(messageId: string): Promise<string[]>;
  /** The SMTP receiver refuses every login from now on (535), as after a password change. */
  refuseLogins(): void;
  /** Answers the next `count` RCPT commands with this SMTP reply (e.g. 451 greylisting). */
  refuseRcpt(code: number, message: string, count?: number): void;
  close(): Promise<void>;
}

let mailboxCounter = 0;

/**
 * Creates a fresh bot mailbox on `dovecot` (or opens `address`'s again) and an
 * SMTP receiver for it.
 */
export async function createMailWorld(dovecot: Dovecot, address?: string): Promise<MailWorld> {
  const botAddress = address ?? `bot${process.pid}x${++mailboxCounter}@example.test`;
  const name = botAddress.split('@')[0] as string;
  const botPassword = DOVECOT_PASSWORD;

  const imap = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: botAddress, pass: botPassword },
    logger: false,
    disableAutoIdle: true,
  });
  imap.on('error', () => {});
  await imap.connect();

  const sent: CapturedMail[] = [];
  const delivered = new Map<string, Buffer>();
  const refusals: { code: number; message: string }[] = [];
  let loginsRefused = false;

  const deliver = async (raw: Buffer): Promise<void> => {
    const mail = await simpleParser(raw);
    if (mail.messageId) delivered.set(mail.messageId, raw);
    await imap.append('INBOX', raw);
  };

  const smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (!loginsRefused && auth.username === botAddress && auth.password === botPassword)
        return callback(null, { user: name });
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      const refusal = refusals.shift();
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        try {
          const raw = Buffer.concat(chunks);
          const rcpt = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          if (rcpt.includes(botAddress)) await deliver(raw);
          const others = rcpt.filter((r) => r !== botAddress);
          if (others.length) sent.push({ rcpt: others, raw, mail: await simpleParser(raw) });
          callback();
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
  });

  return {
    botAddress,
    botPassword,
    sent,
    delivered,
    options(extra = {}) {
      return {
        address: botAddress,
        password: botPassword,
        imap: { host: dovecot.host, port: dovecot.port, secure: false, startTls: false },
        smtp: { host: '127.0.0.1', port: smtpPort, secure: false, startTls: false },
        pollSeconds: 3600,
        reconnectDelayMs: { initial: 100, max: 1_000 },
        ...extra,
      };
    },
    async send(mail) {
      const messageId = mail.messageId ?? `<${randomUUID()}@example.test>`;
      await transport.sendMail({
        from: mail.from ?? `Alice Example <${ALICE}>`,
        to: mail.to ?? botAddress,
        subject: mail.subject ?? 'Hello',
        ...(mail.html && mail.text === undefined ? { html: mail.html } : { text: mail.text ?? '' }),
        messageId,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references ? { references: mail.references } : {}),
        headers: mail.headers ?? {},
        attachments: mail.attachments ?? [],
      });
      return messageId;
    },
    deliver,
    async flagsOf(messageId) {
      const lock = await imap.getMailboxLock('INBOX');
      try {
        const uids = await imap.search({ header: { 'message-id': messageId } }, { uid: true });
        const uid = uids ? uids[0] : undefined;
        if (uid === undefined) return [];
        const found = await imap.fetchOne(String(uid), { flags: true }, { uid: true });
        return found ? [...(found.flags ?? [])] : [];
      } finally {
        lock.release();
      }
    },
    refuseLogins() {
      loginsRefused = true;
    },
    refuseRcpt(code, message, count = 1) {
      for (let i = 0; i < count; i++) refusals.push({ code, message });
    },
    async close() {
      transport.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await imap.logout().catch(() => imap.close());
    },
  };
}

/** The root Message-ID of a captured mail's thread (first of References, else In-Reply-To, else its own). */
export function rootOf(mail: ParsedMail): string | undefined {
  const refs = Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [];
  return refs[0] ?? mail.inReplyTo ?? mail.messageId;
}
