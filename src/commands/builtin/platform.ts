/**
 * /platform list|pause|resume <name>: the operator's view of every platform
 * adapter and its circuit breaker. Pause keeps the connection and drops new
 * inbound messages; resume is instant and also clears a trip or a needs-relink.
 */
import type { BreakerView } from '../../machines/breaker.ts';
import type { CommandDefinition } from '../registry.ts';

const ICONS: Record<BreakerView['status'], string> = {
  running: '🟢',
  connecting: '🟡',
  reconnecting: '🟡',
  paused: '⏸️',
  'paused-by-breaker': '🔴',
  'needs-relink': '⛔',
};

/** How long ago, in words: `12 s`, `5 min`, `3 h`, `2 d`. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

/** One line of `/platform list`. */
export function platformLine(view: BreakerView, now: number): string {
  const since = `since ${new Date(view.since).toISOString().slice(0, 16).replace('T', ' ')} UTC (${ago(now - view.since)} ago)`;
  const reason =
    view.status === 'running' || view.status === 'paused' || !view.lastError ? '' : ` — ${view.lastError}`;
  const attempt = view.status === 'reconnecting' ? ` (attempt ${view.attempt})` : '';
  return `${ICONS[view.status]} ${view.platform}: ${view.status}${attempt}${reason}, ${since}`;
}

/** /platform: list, pause or resume platform adapters. */
export const platformCommand: CommandDefinition = {
  name: 'platform',
  description: 'List platforms, or pause / resume one',
  argsHint: 'list | pause <name> | resume <name>',
  busyAllowed: true,
  async handler({ args, services }) {
    const [action = 'list', name] = args.split(/\s+/).filter(Boolean);
    const known = services.platforms.list().map((v) => v.platform);
    if (action === 'list') {
      const views = services.platforms.list();
      if (views.length === 0) return { text: 'No platforms are configured.' };
      return { text: ['Platforms:', ...views.map((v) => platformLine(v, services.now()))].join('\n') };
    }
    if (action !== 'pause' && action !== 'resume') {
      return { text: `Unknown action "${action}". Usage: /platform list | pause <name> | resume <name>` };
    }
    if (!name)
      return { text: `Which platform? Usage: /platform ${action} <name> (one of: ${known.join(', ')})` };
    const view = action === 'pause' ? services.platforms.pause(name) : services.platforms.resume(name);
    if (!view) return { text: `No platform named "${name}". Known: ${known.join(', ') || 'none'}.` };
    return {
      text:
        action === 'pause'
          ? `⏸️ ${name} paused: the connection stays, new messages are dropped until /platform resume ${name}.`
          : `▶️ ${name} resumed (${view.status}).`,
    };
  },
};
