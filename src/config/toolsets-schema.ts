/**
 * The `toolsets` section of config.yaml: per platform, the tools its sessions
 * get (`include`: only these; `exclude`: all but these). Unknown tool names are
 * refused with the names that exist.
 */
import { z } from 'zod';
import { KNOWN_TOOLS, toolEntryProblem } from '../agent/toolsets.ts';
import { closestMatch } from './closest-match.ts';

/** A list of tool names, `mcp`, `mcp:<server>` or `<server>__<tool>`. */
const ToolListSchema = z.array(z.string().min(1)).superRefine((entries, ctx) => {
  entries.forEach((entry, index) => {
    const problem = toolEntryProblem(entry);
    if (problem === undefined) return;
    const near = closestMatch(entry, KNOWN_TOOLS);
    ctx.addIssue({
      code: 'custom',
      path: [index],
      message: `"${entry}" ${problem}`,
      params: {
        fix: near
          ? `write "${near}" instead of "${entry}"`
          : `remove "${entry}" or use one of: ${KNOWN_TOOLS.join(', ')}, mcp`,
      },
    });
  });
});

/** One platform's toolset. */
const ToolsetSchema = z.strictObject({
  /** The only tools the platform gets; absent: the platform's default toolset. */
  include: ToolListSchema.optional(),
  /** Tools the platform does not get. */
  exclude: ToolListSchema.default([]),
});

/** Platform name → its toolset (`api_server` or `api` for the API server). */
export const ToolsetsSchema = z.record(z.string(), ToolsetSchema).superRefine((toolsets, ctx) => {
  for (const name of Object.keys(toolsets)) {
    if (/^[a-z][a-z0-9_]*$/.test(name)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: 'is not a platform name',
      params: { fix: 'key the toolset by the platform, e.g. telegram, discord or api_server' },
    });
  }
});
