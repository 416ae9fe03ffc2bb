/**
 * Mail threading by headers (RFC 5322 §3.6.4): a thread is named by its root
 * Message-ID, replies carry `In-Reply-To` (the message answered) and
 * `References` (the chain from the root), and the subject gains one "Re: ".
 */

/** Most Message-IDs kept in a `References` header (the root and the latest ones). */
const MAX_REFERENCES = 20;

/** The Message-IDs of a header value (`<a@x> <b@y>`), in order. */
export function messageIds(value: string | string[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((v) => v.match(/<[^<>\s]+>/g) ?? []);
}

/**
 * The root Message-ID of the thread a mail belongs to: the first of its
 * `References`, else its `In-Reply-To`, else its own Message-ID.
 *
 * @example
 * threadRoot({ messageId: '<c@x>', inReplyTo: '<b@x>', references: ['<a@x>', '<b@x>'] }) // '<a@x>'
 */
export function threadRoot(mail: { messageId: string; inReplyTo?: string; references?: string[] }): string {
  return mail.references?.[0] ?? mail.inReplyTo ?? mail.messageId;
}

/**
 * The `References` chain of a reply to `parent`: the parent's references (or its
 * In-Reply-To), then the parent itself, trimmed to the root and the latest ids.
 */
export function replyReferences(parent: {
  messageId: string;
  inReplyTo?: string;
  references?: string[];
}): string[] {
  const before = parent.references?.length ? parent.references : parent.inReplyTo ? [parent.inReplyTo] : [];
  return trimReferences(dedupe([...before, parent.messageId]));
}

/** Keeps the root and the latest ids of a long chain. */
export function trimReferences(chain: string[]): string[] {
  if (chain.length <= MAX_REFERENCES) return chain;
  return [chain[0] as string, ...chain.slice(chain.length - (MAX_REFERENCES - 1))];
}

/**
 * The subject of a reply: "Re: " once, whatever prefixes the original had
 * (any number of "Re:"/"RE:" become one; "Fwd:" stays).
 *
 * @example
 * replySubject('Re: Lunch') // 'Re: Lunch'
 * replySubject('Lunch') // 'Re: Lunch'
 */
export function replySubject(subject: string | undefined): string {
  const base = (subject ?? '').trim().replace(/^(re\s*(\[\d+\])?\s*:\s*)+/i, '');
  return base ? `Re: ${base}` : 'Re: (no subject)';
}

function dedupe(ids: string[]): string[] {
  return [...new Set(ids)];
}
