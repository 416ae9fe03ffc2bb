/**
 * Splitting a long reply into parts that fit a platform's message length,
 * at the most natural boundary available: a blank line, a line break, a space,
 * and only as a last resort in the middle of a word. A code block cut in two is
 * closed at the end of one part and reopened (with its language) in the next,
 * so each part renders on its own.
 */

const FENCE = /^(\s*)(```+|~~~+)(.*)$/;

/**
 * Splits `text` into parts of at most `maxLength` characters.
 *
 * @param text the reply
 * @param maxLength the platform's limit (Telegram 4096, Discord 2000, Slack 40000, ...)
 * @example
 * splitMessage('a'.repeat(5000), 4096).length; // 2
 */
export function splitMessage(text: string, maxLength: number): string[] {
  if (maxLength < 16) throw new RangeError(`maxLength must be at least 16, got ${maxLength}`);
  if (text.length <= maxLength) return [text];
  const parts: string[] = [];
  let rest = text;
  let reopen = '';
  while (rest.length > 0) {
    const budget = maxLength - reopen.length;
    if (reopen.length + rest.length <= maxLength) {
      parts.push(reopen + rest);
      break;
    }
    // leave room to close a fence opened in this part
    let cut = findCut(rest, budget - 4);
    let part = rest.slice(0, cut);
    const open = openFence(reopen + part);
    if (open) {
      cut = findCut(rest, budget - open.close.length - 1);
      part = rest.slice(0, cut);
    }
    const fence = openFence(reopen + part);
    parts.push(fence ? `${reopen}${part.replace(/\n?$/, '\n')}${fence.close}` : reopen + part);
    rest = rest.slice(cut).replace(/^\n+/, '');
    reopen = fence ? `${fence.open}\n` : '';
  }
  return parts.filter((p) => p.trim() !== '');
}

/** The best place at or before `limit` to end a part. */
function findCut(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(sep, limit);
    if (at > limit / 2) return at + (sep === ' ' ? 1 : 0);
  }
  // no boundary in the second half: cut hard, but never between a surrogate pair
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** The code fence left open at the end of `text`, if any. */
function openFence(text: string): { open: string; close: string } | undefined {
  let open: { open: string; close: string } | undefined;
  for (const line of text.split('\n')) {
    const m = FENCE.exec(line);
    if (!m) continue;
    const marker = m[2] as string;
    if (!open) open = { open: `${marker}${(m[3] ?? '').trim()}`, close: marker };
    else if (marker.startsWith(open.close) && (m[3] ?? '').trim() === '') open = undefined;
  }
  return open;
}
