/**
 * Mail the bot must not answer: automatic replies (out-of-office, other bots),
 * bounces and delivery reports, mailing lists and newsletters, system senders,
 * mail whose sender the provider found forged (DMARC fail), and the bot's own mail. Answering any of them risks a mail loop or spamming a
 * list; each skip is logged with its reason.
 */
import type { ParsedMail, StructuredHeader } from 'mailparser';

/** Local parts of addresses that never belong to a person. */
const SYSTEM_SENDERS = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)$/i;

/**
 * Why a mail must not be answered, or `undefined` when it may be.
 *
 * @param mail the parsed mail
 * @param ownAddress the bot's address (lowercase)
 * @example
 * skipReason(outOfOffice, 'bot@example.com') // 'Auto-Submitted: auto-replied'
 */
export function skipReason(mail: ParsedMail, ownAddress: string): string | undefined {
  const h = mail.headers;
  const text = (name: string): string | undefined => {
    const value = h.get(name);
    return typeof value === 'string' ? value.trim() : undefined;
  };

  const sender = mail.from?.value[0]?.address?.toLowerCase();
  if (!sender) return 'no sender address (null sender)';
  if (sender === ownAddress) return "sent from the bot's own address";
  const local = sender.split('@')[0] ?? '';
  if (SYSTEM_SENDERS.test(local)) return `system sender ${sender}`;

  const autoSubmitted = text('auto-submitted');
  if (autoSubmitted && autoSubmitted.toLowerCase() !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  if (h.has('x-autoreply')) return 'X-Autoreply header';
  if (h.has('x-autorespond')) return 'X-Autorespond header';
  const precedence = text('precedence')?.toLowerCase();
  if (precedence && /^(bulk|junk|list|auto_reply)$/.test(precedence)) return `Precedence: ${precedence}`;
  if (h.has('list')) return 'mailing list (List-* headers)';
  const contentType = h.get('content-type') as StructuredHeader | undefined;
  if (contentType?.value?.toLowerCase() === 'multipart/report')
    return 'delivery or read report (multipart/report)';
  // the receiving provider's verdict (the topmost header is the one it added)
  const auth = h.get('authentication-results');
  const verdict = (Array.isArray(auth) ? auth[0] : auth) as string | undefined;
  if (typeof verdict === 'string' && /\bdmarc=fail\b/i.test(verdict)) return 'failed DMARC (forged sender?)';
  const returnPath = h.get('return-path') as { value?: { address?: string }[] } | undefined;
  if (returnPath?.value?.length && !returnPath.value.some((a) => a.address)) {
    return 'null Return-Path (<>)';
  }
  return undefined;
}
