/**
 * The Email adapter: a mailbox the bot reads over IMAP (IDLE push with a
 * polling fallback) and answers over SMTP. Every mail thread is its own
 * conversation: the chat is the sender's address and the thread its root
 * Message-ID, and replies are threaded with `In-Reply-To`, `References` and
 * one "Re: " before the subject. It is Email's wire for the adapter kit: a
 * reply's text and files go out as one mail when the text fits, and Email has
 * no edits, so no streaming.
 */
import { randomUUID } from 'node:crypto';
import { type ParsedMail, simpleParser } from 'mailparser';
import { AdapterError } from '../../errors.ts';
import type { Attachment, ChatRef } from '../contract.ts';
import {
  type Failure,
  type FileSendOptions,
  KitAdapter,
  type PlatformWire,
  type SendOptions,
  type WireContext,
} from '../kit/index.ts';
import { EMAIL_DEFAULTS, EMAIL_PLATFORM, type EmailOptions } from './email-options.ts';
import { EmailState } from './email-state.ts';
import { ImapInbox, type MailOutcome } from './imap-inbox.ts';
import { type ThreadInfo, toInboundMail } from './inbound-mail.ts';
import { skipReason } from './mail-filter.ts';
import { classifySmtpError, SmtpOutbox } from './smtp-outbox.ts';
import { messageIds, replyReferences, replySubject, trimReferences } from './thread-headers.ts';

/** Characters of one mail's text; longer replies become several mails. */
const EMAIL_MAX_MESSAGE_LENGTH = 100_000;

/** Email's wire: IMAP in, SMTP out. */
export class EmailWire implements PlatformWire {
  readonly name = EMAIL_PLATFORM;
  readonly title = 'Email';
  // one mail carries the text and every file
  readonly limits = {
    maxMessageLength: EMAIL_MAX_MESSAGE_LENGTH,
    maxCaptionLength: EMAIL_MAX_MESSAGE_LENGTH,
  };
  readonly declares = { images: true, threads: true };
  readonly #options: EmailOptions;
  readonly #address: string;
  readonly #state: EmailState;
  #ctx: WireContext | undefined;
  inbox: ImapInbox | undefined;
  #outbox: SmtpOutbox | undefined;

  constructor(options: EmailOptions) {
    this.#options = options;
    this.#address = options.address.trim().toLowerCase();
    this.#state = new EmailState(options.stateDir);
  }

  classify(error: unknown): Failure {
    return classifySmtpError(error);
  }

  async connect(ctx: WireContext): Promise<void> {
    this.#ctx = ctx;
    const o = this.#options;
    const user = o.username ?? o.address;
    this.#outbox = new SmtpOutbox({
      server: o.smtp,
      user,
      password: o.password,
      from: { name: o.displayName ?? EMAIL_DEFAULTS.displayName, address: o.address },
    });
    const inbox = new ImapInbox({
      server: o.imap,
      user,
      password: o.password,
      pollSeconds: o.pollSeconds ?? EMAIL_DEFAULTS.pollSeconds,
      reconnectDelayMs: o.reconnectDelayMs ?? EMAIL_DEFAULTS.reconnectDelayMs,
      state: this.#state,
      log: ctx.log,
      onMail: (source) => this.#receive(source),
      onError: (error) => {
        ctx.log[error.retryable ? 'warn' : 'error']({ err: error.message }, 'Email connection problem');
        if (error.retryable) ctx.reportError(error);
        else ctx.fail(error);
      },
      onHealthy: () => ctx.reportHealthy(),
    });
    this.inbox = inbox;
    await inbox.start();
  }

  async disconnect(): Promise<void> {
    await this.inbox?.stop();
    this.inbox = undefined;
    this.#outbox?.close();
    this.#outbox = undefined;
  }

  async sendText(chat: ChatRef, text: string, options: SendOptions): Promise<string> {
    return this.#mail(chat, text, [], options.replyTo);
  }

  async sendFiles(chat: ChatRef, files: Attachment[], options: FileSendOptions): Promise<string> {
    return this.#mail(chat, options.caption ?? '', files, options.replyTo);
  }

  /** Sends one mail in the thread of `chat`, answering `replyTo` (or the thread's last mail). */
  async #mail(
    chat: ChatRef,
    text: string,
    attachments: Attachment[],
    replyTo: string | undefined,
  ): Promise<string> {
    const outbox = this.#outbox;
    if (!outbox)
      throw new AdapterError(EMAIL_PLATFORM, 'not started', { retryable: true, reason: 'not_connected' });
    const thread = await this.#threadFor(chat.threadId, replyTo);
    const messageId = this.#newMessageId();
    await outbox.send({
      to: chat.chatId,
      subject: thread.subject,
      text: text || ' ',
      messageId,
      ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo } : {}),
      references: thread.references,
      ...(attachments.length ? { attachments } : {}),
    });
    return messageId;
  }

  /** Subject, In-Reply-To and References for a reply, from memory or (after a restart) from the mailbox. */
  async #threadFor(
    root: string | undefined,
    answered: string | undefined,
  ): Promise<{ subject: string; inReplyTo?: string; references: string[] }> {
    let info: ThreadInfo | undefined = root ? this.#state.thread(root) : undefined;
    if (!info && (answered ?? root)) info = await this.#recoverThread((answered ?? root) as string);
    if (!info) {
      if (!root && !answered)
        return { subject: this.#options.newSubject ?? EMAIL_DEFAULTS.newSubject, references: [] };
      const chain = [...new Set([root, answered].filter((id): id is string => !!id))];
      return { subject: replySubject(undefined), inReplyTo: chain.at(-1) as string, references: chain };
    }
    const inReplyTo = answered ?? info.lastMessageId;
    const references = info.references.includes(inReplyTo)
      ? info.references.slice(0, info.references.indexOf(inReplyTo) + 1)
      : trimReferences([...info.references, inReplyTo]);
    return { subject: replySubject(info.subject), inReplyTo, references };
  }

  /** Rebuilds a thread's memory from the mail with that Message-ID in INBOX. */
  async #recoverThread(messageId: string): Promise<ThreadInfo | undefined> {
    try {
      const source = await this.inbox?.findByMessageId(messageId);
      if (!source) return undefined;
      const mail = await simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true });
      const ids = {
        messageId: mail.messageId ?? messageId,
        references: messageIds(mail.references),
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      };
      return { subject: mail.subject ?? '', references: replyReferences(ids), lastMessageId: ids.messageId };
    } catch (error) {
      this.#ctx?.log.warn({ err: String(error), messageId }, 'Could not look up the mail answered');
      return undefined;
    }
  }

  async #receive(source: Buffer): Promise<MailOutcome> {
    const ctx = this.#ctx as WireContext;
    let mail: ParsedMail;
    try {
      mail = await simpleParser(source, { skipTextToHtml: true });
    } catch (error) {
      ctx.log.warn({ err: String(error), reason: 'unreadable MIME' }, 'Email ignored');
      return 'skipped';
    }
    const reason = skipReason(mail, this.#address);
    if (reason) {
      ctx.log.info({ messageId: mail.messageId, from: mail.from?.text, reason }, 'Email ignored');
      return 'skipped';
    }
    const maxBytes = this.#options.maxAttachmentBytes ?? EMAIL_DEFAULTS.maxAttachmentBytes;
    const inbound = toInboundMail(mail, maxBytes);
    if (!inbound) {
      ctx.log.info({ from: mail.from?.text, reason: 'no Message-ID' }, 'Email ignored');
      return 'skipped';
    }
    if (inbound.dropped.length) ctx.log.warn({ dropped: inbound.dropped }, 'Email attachments too large');
    this.#state.setThread(inbound.message.threadId as string, inbound.thread);
    const result = await ctx.ingest(inbound.message);
    ctx.log.debug(
      { messageId: inbound.message.platformMessageId, duplicate: result.duplicate, refused: result.refused },
      'Email accepted',
    );
    return 'ingested';
  }

  #newMessageId(): string {
    const domain = this.#address.split('@')[1] || 'localhost';
    return `<${randomUUID()}@${domain}>`;
  }
}

/**
 * The Email adapter.
 *
 * @example
 * const adapter = new EmailAdapter({
 *   address: 'bot@example.com', password: 'app-password',
 *   imap: { host: 'imap.example.com', port: 993, secure: true },
 *   smtp: { host: 'smtp.example.com', port: 587, secure: false },
 * });
 */
export class EmailAdapter extends KitAdapter<EmailWire> {
  constructor(options: EmailOptions) {
    super(new EmailWire(options));
  }

  /** Whether the IMAP server pushes new mail (IDLE); false when the adapter polls. Valid after `start`. */
  get push(): boolean {
    return this.wire.inbox?.idle ?? false;
  }
}
