/**
 * Reads one `SKILL.md`: YAML front matter between `---` lines (name, description,
 * tools, arguments), then the Markdown body, which holds the skill's instructions.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { SkillError } from './skill-error.ts';

/** What a skill name may hold: a typable command name (as `COMMAND_NAME` of the registry). */
export const SKILL_NAME = /^[a-z0-9_-]+$/;

/** The file that makes a folder a skill. */
export const SKILL_FILE = 'SKILL.md';

/** One argument a skill takes after its command name. */
export interface SkillArgument {
  name: string;
  description: string;
  required: boolean;
}

/** An installed skill, read from its `SKILL.md`. */
export interface Skill {
  /** The command name: `/<name>` runs it. */
  name: string;
  description: string;
  /** Tool names the skill uses (shown to the model). */
  tools: string[];
  /** Its arguments, in the order they are typed. */
  arguments: SkillArgument[];
  /** The Markdown body: the skill's instructions. */
  instructions: string;
  /** The `SKILL.md` it was read from. */
  path: string;
}

const ArgumentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be one word (letters, digits, - and _)'),
  description: z.string().default(''),
  required: z.boolean().default(false),
});

/** The front matter; keys other skill formats add (license, metadata) are allowed and ignored. */
const FrontMatterSchema = z.looseObject({
  name: z
    .string({ error: 'is missing: every skill needs a name' })
    .regex(SKILL_NAME, 'must be a typable command name: lower-case letters, digits, - and _'),
  description: z.string({ error: 'is missing: every skill needs a description' }).trim().min(1),
  tools: z.array(z.string().min(1)).default([]),
  arguments: z.array(ArgumentSchema).default([]),
});

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Parses the text of a `SKILL.md`.
 *
 * @throws SkillError `GATEWAY_ERR_CONFIG` naming the file and what is wrong (no front matter,
 *   YAML syntax with its line, a missing or untypable name, a bad argument list).
 *
 * @example
 * parseSkill('---\nname: summarize\ndescription: Summarize a text\n---\nSummarize it in 3 bullets.', 'SKILL.md').name // 'summarize'
 */
export function parseSkill(text: string, path: string): Skill {
  const fail = (reason: string): never => {
    throw new SkillError('GATEWAY_ERR_CONFIG', `${path}: ${reason}`, { path, reason });
  };
  const match = FRONT_MATTER.exec(text.replace(/^\uFEFF/, ''));
  if (!match)
    return fail('no front matter: start the file with a --- line, name: and description:, then ---');
  const document = parseDocument(match[1] ?? '', { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0].line;
    const reason = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    // the front matter starts on the file's second line
    return fail(`front matter is not valid YAML${line ? ` (line ${line + 1})` : ''}: ${reason}`);
  }
  const parsed = FrontMatterSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.length > 0 ? issue.path.join('.') : 'front matter';
    return fail(`${key} ${issue.message}`);
  }
  const { name, description, tools } = parsed.data;
  const args = parsed.data.arguments;
  const names = args.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) return fail(`arguments: "${twice}" is listed twice`);
  const firstOptional = args.findIndex((a) => !a.required);
  if (firstOptional >= 0 && args.slice(firstOptional).some((a) => a.required)) {
    return fail('arguments: a required argument cannot follow an optional one (they are typed in order)');
  }
  const instructions = text
    .replace(/^\uFEFF/, '')
    .slice(match[0].length)
    .trim();
  return { name, description, tools, arguments: args, instructions, path };
}
