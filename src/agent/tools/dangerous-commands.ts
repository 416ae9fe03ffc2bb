/**
 * Shell commands that need a person's approval before the terminal tool runs
 * them. Each rule has a reason the chat is shown. The list is deliberately
 * about commands that destroy data or the machine, not about everything risky.
 */

/** One rule: a pattern on the command text and the reason shown to the user. */
export interface DangerRule {
  id: string;
  reason: string;
  pattern: RegExp;
}

/** A broad path: the root, a top-level system folder, home, everything (`*`), or the current/parent folder. */
const BROAD = String.raw`(?:\/|\/\*|~\/?|~\/\*|\$HOME\/?|\$\{HOME\}\/?|\*|\.\/?|\.\.\/?|\/(?:bin|boot|dev|etc|home|lib|lib64|opt|proc|root|sbin|srv|sys|usr|var)\/?\*?)`;
/** Separator before a new command: start, `;`, `&&`, `||`, `|`, `(`, backtick, `$(`, `sudo`. */
const START = String.raw`(?:^|[;&|(\x60]|\$\(|\bsudo\s+|\bdoas\s+)\s*`;

/** The documented rules, in the order they are checked. */
export const DANGER_RULES: readonly DangerRule[] = [
  {
    id: 'recursive-delete-broad',
    reason: 'recursive delete of a broad path',
    pattern: new RegExp(
      String.raw`${START}rm\s+(?:-[a-zA-Z]*[rR][a-zA-Z]*\s+|--recursive\s+|-[a-zA-Z]+\s+)*(?:--\s+)?(?:[^;&|]*\s)?${BROAD}(?=\s|$|;|&|\|)`,
    ),
  },
  { id: 'mkfs', reason: 'formats a file system', pattern: new RegExp(String.raw`${START}mkfs(?:\.\w+)?\b`) },
  {
    id: 'dd-to-device',
    reason: 'writes raw data to a device',
    pattern: /\bdd\b[^;&|]*\bof=\/dev\/(?!null\b|zero\b|stdout\b|stderr\b)\w+/,
  },
  {
    id: 'redirect-to-device',
    reason: 'overwrites a disk device',
    pattern: />\s*\/dev\/(?:sd[a-z]|nvme\d|hd[a-z]|vd[a-z]|xvd[a-z]|mmcblk\d|disk\d)/,
  },
  {
    id: 'recursive-chmod-chown-root',
    reason: 'changes permissions or owners of the whole system',
    pattern: new RegExp(
      String.raw`${START}(?:chmod|chown|chgrp)\s+(?:-[a-zA-Z]*R[a-zA-Z]*|--recursive)\b[^;&|]*\s\/(?:\s|$|;|&|\|)`,
    ),
  },
  { id: 'fork-bomb', reason: 'fork bomb', pattern: /:\s*\(\s*\)\s*\{[^}]*:\s*\|\s*:\s*&[^}]*\}\s*;?\s*:/ },
  {
    id: 'pipe-download-to-shell',
    reason: 'runs a script straight from the internet',
    pattern: /\b(?:curl|wget|fetch)\b[^;&]*\|\s*(?:sudo\s+)?(?:ba|z|k|da)?sh\b/,
  },
  {
    id: 'shutdown-reboot',
    reason: 'shuts down or restarts the machine',
    pattern: new RegExp(
      String.raw`${START}(?:shutdown|reboot|halt|poweroff|init\s+[06]|systemctl\s+(?:poweroff|reboot|halt|kexec))\b`,
    ),
  },
  {
    id: 'overwrite-system-file',
    reason: 'overwrites a system account file',
    pattern: /(?:^|[^>])>\s*\/etc\/(?:passwd|shadow|sudoers|group)\b/,
  },
];

/** What `checkCommand` found: the first matching rule, or nothing. */
export type DangerVerdict = { dangerous: false } | { dangerous: true; rule: string; reason: string };

/**
 * Whether a shell command needs approval.
 *
 * @example
 * checkCommand('rm -rf /')          // { dangerous: true, rule: 'recursive-delete-broad', reason: '...' }
 * checkCommand('rm -rf ./build')    // { dangerous: false }
 */
export function checkCommand(command: string): DangerVerdict {
  const text = command.trim();
  for (const rule of DANGER_RULES) {
    if (rule.pattern.test(text)) return { dangerous: true, rule: rule.id, reason: rule.reason };
  }
  return { dangerous: false };
}
