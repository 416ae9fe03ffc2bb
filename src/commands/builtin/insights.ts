/**
 * /insights [days]: usage analytics of the whole gateway from the transcript —
 * sessions, turns and tokens, by platform and by model — over the last days
 * (default 7).
 */
import type { UsageTotals } from '../../persistence/store.ts';
import type { CommandDefinition } from '../registry.ts';

/** Days /insights covers when none are given. */
export const DEFAULT_INSIGHTS_DAYS = 7;

/** The longest period /insights accepts, in days. */
export const MAX_INSIGHTS_DAYS = 3650;

const DAY_MS = 86_400_000;

/** `1,234` */
const count = (n: number) => n.toLocaleString('en-US');

/** `2 sessions, 5 turns, 1,200 in / 300 out` */
function totalsText(t: UsageTotals): string {
  const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(t.sessions, 'session')}, ${plural(t.turns, 'turn')}, ${count(t.inputTokens)} in / ${count(t.outputTokens)} out`;
}

/** /insights: usage analytics. */
export const insightsCommand: CommandDefinition = {
  name: 'insights',
  argsHint: '[days]',
  description: `Usage analytics: sessions, turns and tokens by platform and model (default ${DEFAULT_INSIGHTS_DAYS} days)`,
  busyAllowed: true,
  async handler(ctx) {
    const days = ctx.args ? Number(ctx.args) : DEFAULT_INSIGHTS_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > MAX_INSIGHTS_DAYS) {
      return { text: `Usage: /insights [days] — a whole number of days from 1 to ${MAX_INSIGHTS_DAYS}.` };
    }
    const period = days === 1 ? 'the last day' : `the last ${days} days`;
    const summary = await ctx.services.insights(ctx.services.now() - days * DAY_MS);
    if (summary.sessions === 0) return { text: `📈 No usage in ${period}.` };
    const lines = [
      `📈 Usage in ${period}`,
      `Total: ${totalsText(summary)}`,
      'By platform:',
      ...summary.byPlatform.map((p) => `• ${p.platform}: ${totalsText(p)}`),
    ];
    if (summary.byModel.length > 0) {
      lines.push('By model:', ...summary.byModel.map((m) => `• ${m.model ?? 'unnamed'}: ${totalsText(m)}`));
    }
    return { text: lines.join('\n') };
  },
};
