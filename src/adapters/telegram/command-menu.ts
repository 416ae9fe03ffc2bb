/**
 * The gateway's commands as Telegram's command menu (`setMyCommands`):
 * names lowercased and without the slash; names Telegram refuses (more than
 * 32 characters, or anything but `a-z 0-9 _`) are left out; descriptions cut
 * to Telegram's 256 characters; at most 100 commands.
 */
import type { BotCommand } from 'grammy/types';
import type { CommandInfo } from '../contract.ts';

/** What Telegram accepts as a command name. */
export const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;

/** Telegram's limits on the command menu. */
const MAX_COMMANDS = 100;
const MAX_DESCRIPTION = 256;

/**
 * Builds the menu.
 *
 * @example
 * toBotCommands([{ name: 'New', description: 'Start over' }, { name: 'reload-mcp', description: '…' }])
 * // [{ command: 'new', description: 'Start over' }]
 */
export function toBotCommands(commands: readonly CommandInfo[]): BotCommand[] {
  const seen = new Set<string>();
  const menu: BotCommand[] = [];
  for (const { name, description } of commands) {
    const command = name.replace(/^\//, '').toLowerCase();
    if (!COMMAND_NAME.test(command) || seen.has(command)) continue;
    seen.add(command);
    const text = description.trim() || command;
    menu.push({
      command,
      description: text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text,
    });
    if (menu.length === MAX_COMMANDS) break;
  }
  return menu;
}
