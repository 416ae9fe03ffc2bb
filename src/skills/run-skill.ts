/**
 * Running a skill: `/<skill> [args]` binds the typed arguments, answers with the
 * usage when a required one is missing, and otherwise starts a normal agent turn
 * in the chat's session whose prompt carries the skill's instructions and the
 * arguments. The transcript records the command line the user typed.
 */
import type { CommandContext, CommandReply } from '../commands/registry.ts';
import type { Skill } from './parse-skill.ts';

/** `<topic> [length]`: the arguments as /help and the usage answer show them. */
export function argsHintOf(skill: Skill): string | undefined {
  if (skill.arguments.length === 0) return undefined;
  return skill.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ');
}

/**
 * Binds what was typed after the command to the skill's arguments: one word each,
 * in order, the last one takes the rest of the line. Undefined when a required
 * argument is missing.
 *
 * @example
 * bindArguments(skill, 'report.pdf in three bullets') // { file: 'report.pdf', style: 'in three bullets' }
 */
export function bindArguments(skill: Skill, args: string): Record<string, string> | undefined {
  const bound: Record<string, string> = {};
  let rest = args.trim();
  skill.arguments.forEach((argument, i) => {
    if (rest === '') return;
    const last = i === skill.arguments.length - 1;
    const word = last ? rest : (/^\S+/.exec(rest)?.[0] ?? '');
    bound[argument.name] = word;
    rest = rest.slice(word.length).trim();
  });
  return skill.arguments.every((a) => !a.required || bound[a.name] !== undefined) ? bound : undefined;
}

/**
 * The prompt of a skill's turn: the instructions, the tools it uses and what the user gave.
 *
 * @example
 * skillPrompt(skill, 'the Q3 report') // 'Run the skill /summarize …\n\n<instructions>…'
 */
export function skillPrompt(skill: Skill, args: string): string {
  const parts = [
    `Run the skill /${skill.name} (${skill.description}) for this message, following its instructions.`,
    `<instructions>\n${skill.instructions}\n</instructions>`,
  ];
  if (skill.tools.length > 0) parts.push(`Tools this skill uses: ${skill.tools.join(', ')}`);
  const bound = bindArguments(skill, args) ?? {};
  const given = skill.arguments.filter((a) => bound[a.name] !== undefined);
  if (given.length > 0) {
    parts.push(`Arguments:\n${given.map((a) => `- ${a.name}: ${bound[a.name]}`).join('\n')}`);
  } else if (skill.arguments.length === 0 && args.trim() !== '') {
    parts.push(`The user's input:\n${args.trim()}`);
  }
  return parts.join('\n\n');
}

/** The usage answer of a skill. */
export function skillUsage(skill: Skill): string {
  const hint = argsHintOf(skill);
  const lines = [`Usage: /${skill.name}${hint ? ` ${hint}` : ''} — ${skill.description}`];
  for (const a of skill.arguments) {
    lines.push(`  ${a.name}${a.required ? '' : ' (optional)'}${a.description ? `: ${a.description}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * The runner of `/<skill>`: a usage answer when a required argument is missing,
 * otherwise the skill's prompt handed to the chat's session under the configured
 * busy-input mode (durably, as `/queue` does); the session answers.
 */
export function skillRunner(skill: Skill): (ctx: CommandContext) => Promise<CommandReply> {
  return async (ctx) => {
    if (!bindArguments(skill, ctx.args)) return { text: skillUsage(skill) };
    const typed = ctx.args ? `/${skill.name} ${ctx.args}` : `/${skill.name}`;
    await ctx.services.deliver('configured', skillPrompt(skill, ctx.args), typed);
    return {};
  };
}
