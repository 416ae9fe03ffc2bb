/**
 * Id lists as users write them: a YAML list or one comma-separated text
 * (`TELEGRAM_ALLOWED_USERS=111,222`, `allow_from: "111, 222"`).
 */

/**
 * The entries of a list: comma-separated text is split, every entry is trimmed
 * and empty entries are dropped.
 *
 * @example
 * toIdList(' 111, 222,,') // ['111', '222']
 * toIdList(['111', ' alice@example.com ']) // ['111', 'alice@example.com']
 */
export function toIdList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? value.split(',') : value.flatMap((entry) => entry.split(','));
  return parts.map((entry) => entry.trim()).filter((entry) => entry !== '');
}
