/**
 * The `process` tool: lets the agent check on the background processes its
 * session started with `terminal(background=true)`: list them, read one's
 * output, or kill one.
 */

import type { Tool, ToolContext } from '../agent.ts';
import type { BackgroundProcesses, BackgroundProcessView } from './background-processes.ts';

const ACTIONS = ['list', 'output', 'kill'] as const;

/**
 * Creates the `process` tool over a registry of background processes.
 * Arguments: `{ action: 'list' | 'output' | 'kill', id?: string }`. A session
 * only sees the processes it started.
 *
 * @example
 * const processes = new BackgroundProcesses();
 * const tools = [createTerminalTool({ background: processes }), createProcessTool(processes)];
 */
export function createProcessTool(registry: BackgroundProcesses): Tool {
  return {
    name: 'process',
    description:
      'Check on background processes started with terminal(background=true): ' +
      '"list" shows them with their status, "output" gives the output of one (by id), "kill" stops one.',
    parameters: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: [...ACTIONS], description: 'What to do.' },
        id: { type: 'string', description: 'The process id (e.g. bg1), for output and kill.' },
      },
      required: ['action'],
      additionalProperties: false,
    },
    async execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string> {
      const { action, id } = args;
      if (action === 'list') {
        const views = registry.list(ctx.sessionKey);
        if (views.length === 0) return 'No background processes.';
        return views.map(describe).join('\n');
      }
      if (action !== 'output' && action !== 'kill') {
        return 'Error: "action" must be one of list, output, kill.';
      }
      if (typeof id !== 'string' || id.trim() === '') return `Error: "${action}" needs the process "id".`;
      if (action === 'output') {
        const found = registry.get(ctx.sessionKey, id.trim());
        if (!found) return `Error: no background process ${id}. Use action "list" to see them.`;
        return `${describe(found)}\n${found.output === '' ? '(no output yet)' : found.output}`;
      }
      const before = registry.get(ctx.sessionKey, id.trim());
      if (!before) return `Error: no background process ${id}. Use action "list" to see them.`;
      if (before.status !== 'running') return `${describe(before)} (it was not running)`;
      const after = await registry.kill(ctx.sessionKey, id.trim());
      return after ? `Killed. ${describe(after)}` : `Error: no background process ${id}.`;
    },
  };
}

/** One line about a process: id, status, pid, age and command. */
function describe(view: BackgroundProcessView): string {
  const seconds = Math.round((Date.now() - view.started) / 1000);
  const status =
    view.status === 'running'
      ? `running for ${seconds}s`
      : view.status === 'exited'
        ? `exited with code ${view.exitCode}`
        : view.status === 'killed'
          ? `killed${view.signal ? ` (${view.signal})` : ''}`
          : 'failed to start';
  return `${view.id} (pid ${view.pid ?? '?'}) ${status}: ${view.command}`;
}
