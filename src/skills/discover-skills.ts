/**
 * Finds the `SKILL.md` files of installed skills: `<folder>/<skill>/SKILL.md` in
 * `$HERMES_HOME/skills` and in every folder of `skills.dirs`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SKILL_FILE } from './parse-skill.ts';

/** The folder of installed skills inside `HERMES_HOME`. */
export const SKILLS_DIR_NAME = 'skills';

/** A folder skills are installed in. */
export interface SkillFolder {
  path: string;
  /** `home`: `$HERMES_HOME/skills`, which may be absent; `config`: listed in `skills.dirs`, which must exist. */
  kind: 'home' | 'config';
}

/** A `SKILL.md` found, with what tells a changed file apart. */
export interface FoundSkillFile {
  path: string;
  /** The folder it was installed in. */
  folder: string;
  mtimeMs: number;
  size: number;
}

/** What discovery found: the files, and folders that could not be read. */
export interface Discovery {
  files: FoundSkillFile[];
  problems: { path: string; reason: string }[];
}

/**
 * The skill folders of a home and a configuration: `$HERMES_HOME/skills` first, then
 * `skills.dirs` in order (relative ones against the home; the home's own folder is listed once).
 *
 * @example
 * skillFolders('/home/me/.hermes', ['/opt/team-skills']) // [{ path: '/home/me/.hermes/skills', kind: 'home' }, { path: '/opt/team-skills', kind: 'config' }]
 */
export function skillFolders(home: string, dirs: readonly string[] = []): SkillFolder[] {
  const own = join(home, SKILLS_DIR_NAME);
  const folders: SkillFolder[] = [{ path: own, kind: 'home' }];
  for (const dir of dirs) {
    const path = resolve(home, dir);
    if (!folders.some((f) => f.path === path)) folders.push({ path, kind: 'config' });
  }
  return folders;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Lists `<folder>/<skill>/SKILL.md` in every folder (skills sorted by folder name);
 * a configured folder that is missing or unreadable is a problem, a missing home folder is not.
 */
export function discoverSkills(folders: readonly SkillFolder[]): Discovery {
  const files: FoundSkillFile[] = [];
  const problems: Discovery['problems'] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder.path, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!(missing && folder.kind === 'home')) {
        problems.push({
          path: folder.path,
          reason: missing
            ? 'the skills folder does not exist (skills.dirs in config.yaml): create it or remove it from the list'
            : `the skills folder cannot be read: ${reasonOf(error)}`,
        });
      }
      continue;
    }
    for (const name of names) {
      const path = join(folder.path, name, SKILL_FILE);
      try {
        const stat = statSync(path);
        if (stat.isFile()) files.push({ path, folder: folder.path, mtimeMs: stat.mtimeMs, size: stat.size });
      } catch {
        // a folder without SKILL.md is not a skill
      }
    }
  }
  return { files, problems };
}
