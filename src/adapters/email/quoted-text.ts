/**
 * The new part of a mail reply: mail clients quote the whole history below the
 * answer ("On Mon, Alice wrote:" followed by `>` lines, or Outlook's
 * "-----Original Message-----" / "From: … Sent: …" block). The agent only
 * needs what the person just wrote.
 */

/** A line that opens the quoted history, in the languages mail clients commonly write. */
const ATTRIBUTION = [
  // Gmail, Apple Mail, Thunderbird: "On <date>, <name> wrote:" (may wrap onto two lines)
  /^\s*On\b[\s\S]{0,300}?\bwrote:\s*$/i,
  /^\s*Am\b[\s\S]{0,300}?\bschrieb\b[\s\S]{0,80}:\s*$/i,
  /^\s*Le\b[\s\S]{0,300}?\ba écrit\s*:\s*$/i,
  /^\s*El\b[\s\S]{0,300}?\bescribió:\s*$/i,
  /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
];

/**
 * Removes quoted reply history and `>` lines from a plain-text mail body.
 *
 * @example
 * stripQuotedReply('Thanks!\n\nOn Mon, 1 Jan 2024, Bob wrote:\n> hi') // 'Thanks!'
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const twoLines = `${line} ${lines[i + 1] ?? ''}`;
    if (ATTRIBUTION.some((re) => re.test(line))) break;
    // an attribution wrapped onto a second line, followed by quoted lines
    if (/^\s*On\b/i.test(line) && /\bwrote:\s*$/i.test(twoLines) && isQuoteAhead(lines, i + 2)) break;
    if (isOutlookHeaderBlock(lines, i)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Whether the next non-empty line from `from` is a quoted one (or nothing follows). */
function isQuoteAhead(lines: string[], from: number): boolean {
  for (let j = from; j < lines.length; j++) {
    const next = lines[j] as string;
    if (next.trim() === '') continue;
    return /^\s*>/.test(next);
  }
  return true;
}

/** Outlook quotes without `>`: a "From:" line followed closely by "Sent:"/"Date:" and "To:"/"Subject:". */
function isOutlookHeaderBlock(lines: string[], i: number): boolean {
  if (!/^\s*\*?From:\*?\s/i.test(lines[i] as string)) return false;
  const next = lines.slice(i + 1, i + 4).join('\n');
  return /^\s*\*?(Sent|Date):/im.test(next) && /^\s*\*?(To|Subject):/im.test(next);
}
