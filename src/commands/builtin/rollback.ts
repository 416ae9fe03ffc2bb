/**
 * /rollback [n]: lists the file-system checkpoints of the agent's working
 * directory, or restores one. Restoring is asked first: `/rollback 2` says what
 * will change and how to confirm; `/rollback 2 confirm <id>` restores, where
 * `<id>` is the checkpoint's commit id prefix from the question, so a list that
 * changed in between can never restore the wrong checkpoint.
 */
import type { Checkpoint, CheckpointStore } from '../../checkpoints/checkpoint-store.ts';
import type { ShadowChange } from '../../checkpoints/shadow-repo.ts';
import type { CommandDefinition } from '../registry.ts';

/** How many characters of the commit id the confirmation names. */
export const CONFIRM_ID_CHARS = 8;

/** The most checkpoints and paths one answer shows. */
const LIST_LIMIT = 20;
const PATH_LIMIT = 15;

/** The answer when checkpoints are off, saying why and how to turn them on. */
export function checkpointsOffText(store: CheckpointStore | undefined): string {
  if (!store) return 'File-system checkpoints are not available in this gateway.';
  if (store.off?.reason === 'no-git') {
    return `File-system checkpoints are off: git is not installed (could not run "${store.off.gitPath}"). Install git and restart the gateway to use /rollback.`;
  }
  return 'File-system checkpoints are off (checkpoints.enabled: false in config.yaml). Set it to true and restart the gateway to use /rollback.';
}

/** "5 min ago", "3 h ago", "2 d ago". */
export function timeAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

function countChanges(changes: ShadowChange[]): string {
  if (changes.length === 0) return 'no files changed since';
  return `${changes.length} file${changes.length === 1 ? '' : 's'} changed since`;
}

function listText(list: Checkpoint[], store: CheckpointStore, now: number): string {
  const lines = list
    .slice(0, LIST_LIMIT)
    .map((c) => `${c.number}. ${timeAgo(c.time, now)} — ${c.summary} (${countChanges(c.changedSince)})`);
  const more = list.length > LIST_LIMIT ? `\n… and ${list.length - LIST_LIMIT} older` : '';
  return `📂 Checkpoints of ${store.workDir} (newest first):\n${lines.join('\n')}${more}\n\n/rollback <number> shows what restoring one would change.`;
}

/** What restoring the checkpoint does to each path, from what changed since it was taken. */
function restorePlan(changes: ShadowChange[]): string {
  const verb = { added: 'removed', modified: 'restored', deleted: 'brought back' } as const;
  const lines = changes.slice(0, PATH_LIMIT).map((c) => `• ${c.path} — ${verb[c.status]}`);
  if (changes.length > PATH_LIMIT) lines.push(`• … and ${changes.length - PATH_LIMIT} more`);
  return lines.join('\n');
}

function askText(c: Checkpoint, now: number): string {
  const prefix = c.id.slice(0, CONFIRM_ID_CHARS);
  if (c.changedSince.length === 0) {
    return `Checkpoint ${c.number} (${timeAgo(c.time, now)}, ${prefix}: ${c.summary}) matches the files as they are: nothing to restore.`;
  }
  return (
    `⏪ Rolling back to checkpoint ${c.number} (${timeAgo(c.time, now)}, ${prefix}: ${c.summary}) changes ${c.changedSince.length} file${c.changedSince.length === 1 ? '' : 's'}:\n` +
    `${restorePlan(c.changedSince)}\n\n` +
    'The current state is saved as a checkpoint first, so this can be undone.\n' +
    `To restore, send: /rollback ${c.number} confirm ${prefix}`
  );
}

/** /rollback: list or restore file-system checkpoints. */
export const rollbackCommand: CommandDefinition = {
  name: 'rollback',
  description: "List or restore file-system checkpoints of the agent's working directory",
  argsHint: '[number]',
  busyAllowed: false,
  async handler({ args, services, sessionKey }) {
    const store = services.checkpoints;
    if (!store?.enabled) return { text: checkpointsOffText(store) };
    const now = services.now();
    const [numberArg, confirmWord, idArg] = args.split(/\s+/).filter(Boolean);
    const list = await store.list();
    if (numberArg === undefined) {
      if (list.length === 0) {
        return {
          text: `No checkpoints of ${store.workDir} yet. One is taken before the agent runs a command that changes files.`,
        };
      }
      return { text: listText(list, store, now) };
    }
    const n = Number(numberArg);
    const usage =
      'Usage: /rollback lists the checkpoints; /rollback <number> shows what restoring one changes.';
    if (!Number.isInteger(n) || n < 1) return { text: usage };
    const checkpoint = list[n - 1];
    if (!checkpoint) {
      return {
        text: `There is no checkpoint ${n}: ${list.length === 0 ? 'none was taken yet' : `the list has ${list.length}`}. /rollback lists them.`,
      };
    }
    if (confirmWord === undefined) return { text: askText(checkpoint, now) };
    if (confirmWord.toLowerCase() !== 'confirm') return { text: usage };
    if (!idArg || idArg.length < 4 || !checkpoint.id.startsWith(idArg.toLowerCase())) {
      return {
        text: `Not restored: checkpoint ${n} is now ${checkpoint.id.slice(0, CONFIRM_ID_CHARS)}, which is not the one confirmed${idArg ? ` (${idArg})` : ''}.\n\n${askText(checkpoint, now)}`,
      };
    }
    if (checkpoint.changedSince.length === 0) return { text: askText(checkpoint, now) };
    const saved = await store.restore(checkpoint.id, sessionKey);
    const undo = saved ? ' The state before it is now checkpoint 1: /rollback 1 undoes this.' : '';
    return {
      text: `✅ Rolled back ${store.workDir} to checkpoint ${n} (${checkpoint.summary}): ${checkpoint.changedSince.length} file${checkpoint.changedSince.length === 1 ? '' : 's'} restored.${undo}`,
    };
  },
};
