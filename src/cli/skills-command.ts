/**
 * `hermes skills list` (every installed skill: name, description, folder, and the
 * skills skipped with their problem) and `hermes skills show <name>` (its SKILL.md).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveHome } from '../config/home.ts';
import { loadConfig } from '../config/load-config.ts';
import { SKILLS_DIR_NAME, skillFolders } from '../skills/discover-skills.ts';
import { SkillCatalog, type SkillEntry } from '../skills/skill-catalog.ts';
import { SkillError } from '../skills/skill-error.ts';

/** The process around the command. */
export interface SkillsCommandDeps {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
}

/** The catalog of `$HERMES_HOME` and its `skills.dirs`. */
function catalogOf(deps: SkillsCommandDeps): { home: string; catalog: SkillCatalog } {
  const home = resolveHome(deps.env);
  const config = loadConfig({ home, env: deps.env });
  return { home, catalog: new SkillCatalog({ folders: skillFolders(home, config.skills.dirs) }) };
}

/** The text `hermes skills list` prints. */
export function formatSkillList(entries: SkillEntry[], home: string): string {
  const usable = entries.filter((e) => e.skill);
  const broken = entries.filter((e) => e.problem);
  const lines: string[] = [];
  if (usable.length === 0) {
    lines.push(`No skills installed. Add one as ${home}/${SKILLS_DIR_NAME}/<name>/SKILL.md.`);
  } else {
    const width = Math.max(...usable.map((e) => (e.skill?.name.length ?? 0) + 1));
    lines.push(`Skills (${usable.length}):`);
    for (const e of usable) {
      lines.push(`  ${`/${e.skill?.name}`.padEnd(width)}  ${e.skill?.description}  (${e.folder})`);
    }
  }
  if (broken.length > 0) {
    lines.push(`Skipped (${broken.length}):`);
    for (const e of broken) lines.push(`  ${e.path}: ${e.problem}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Adds `hermes skills list|show` to `program`; the chosen action stores its exit
 * code through `setExitCode`.
 */
export function registerSkillsCommand(
  program: Command,
  deps: SkillsCommandDeps,
  setExitCode: (code: number) => void,
): void {
  const skills = program
    .command('skills')
    .description('list and show the installed skills (run in chats as /<skill>)');
  skills
    .command('list')
    .description('every installed skill: name, description, folder, and skipped skills with their problem')
    .action(() => {
      const { home, catalog } = catalogOf(deps);
      deps.stdout(formatSkillList(catalog.entries(), home));
      setExitCode(0);
    });
  skills
    .command('show')
    .description("print a skill's SKILL.md (front matter and instructions)")
    .argument('<name>', 'the skill name, as typed after the slash')
    .action((name: string) => {
      const { catalog } = catalogOf(deps);
      const wanted = name.replace(/^\//, '').toLowerCase();
      const skill = catalog.get(wanted);
      if (!skill) {
        const names = catalog.skills().map((s) => s.name);
        throw new SkillError(
          'GATEWAY_ERR_NOT_FOUND',
          `No skill named "${wanted}". ${names.length > 0 ? `Installed: ${names.join(', ')}` : 'No skills are installed'} (see hermes skills list).`,
          { name: wanted },
        );
      }
      deps.stdout(`# ${skill.path}\n${readFileSync(skill.path, 'utf8').replace(/\n?$/, '\n')}`);
      setExitCode(0);
    });
}
