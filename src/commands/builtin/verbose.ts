/**
 * /verbose: cycles the tool-progress mode of the platform it is sent on
 * (off → new → all → verbose → off). The choice persists (store meta
 * `tool_progress:<platform>`) and wins over config.yaml. Only with
 * `display.tool_progress_command: true`.
 */
import { nextToolProgressMode, type ToolProgressMode } from '../../runtime/tool-progress.ts';
import type { CommandDefinition } from '../registry.ts';

/** What each mode shows, as `/verbose` explains it. */
export const TOOL_PROGRESS_DESCRIPTIONS: Record<ToolProgressMode, string> = {
  off: 'no tool progress',
  new: 'a line when the agent switches to another tool',
  all: 'a line for every tool call',
  verbose: 'every tool call with its arguments and result',
};

/** The answer when `display.tool_progress_command` is not true. */
export const VERBOSE_DISABLED =
  '/verbose is off. Set display.tool_progress_command: true in config.yaml (and restart the gateway) to cycle the tool progress with /verbose.';

/** The tool-progress control the runtime gives commands, when it has one. */

/** /verbose: cycle the tool-progress mode of this platform. */
export const verboseCommand: CommandDefinition = {
  name: 'verbose',
  description: 'Cycle the tool progress shown on this platform (off, new, all, verbose)',
  busyAllowed: true,
  async handler(ctx) {
    if (ctx.services.config.display.tool_progress_command !== true) return { text: VERBOSE_DISABLED };
    const control = ctx.services.toolProgress;
    if (!control) return { text: 'Tool progress is not available in this gateway.' };
    const platform = ctx.message.platform;
    const mode = nextToolProgressMode(await control.mode(platform));
    await control.setMode(platform, mode);
    return {
      text: `🔧 Tool progress on ${platform}: ${mode} — ${TOOL_PROGRESS_DESCRIPTIONS[mode]}. /verbose again for the next mode.`,
    };
  },
};
