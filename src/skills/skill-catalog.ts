/**
 * The installed skills: discovered in their folders, parsed, checked for name
 * clashes, and re-read when a `SKILL.md` changes (files are parsed again only
 * when their mtime or size changed). Broken skills are logged once and skipped.
 */
import { readFileSync } from 'node:fs';
import type { CommandContext, CommandReply, SkillInfo, SkillSource } from '../commands/registry.ts';
import { errorText, type RuntimeLogger, silentLogger } from '../log/runtime-logger.ts';
import { discoverSkills, type FoundSkillFile, type SkillFolder } from './discover-skills.ts';
import { parseSkill, type Skill } from './parse-skill.ts';
import { argsHintOf, skillRunner } from './run-skill.ts';
import { SkillError } from './skill-error.ts';

/** What the catalog reads. */
export interface SkillCatalogOptions {
  /** Where skills are installed, in order of precedence (see `skillFolders`). */
  folders: SkillFolder[];
  /** Whether a name is taken by a command (a skill cannot shadow it). */
  isCommand?: (name: string) => boolean;
  /** Where broken skills are reported (one line each, with the file and the reason). */
  log?: RuntimeLogger;
}

/** One `SKILL.md` (or skills folder) as `hermes skills list` shows it. */
export interface SkillEntry {
  path: string;
  /** The folder it is installed in. */
  folder: string;
  /** The skill, when it can be used. */
  skill?: Skill;
  /** Why it is skipped. */
  problem?: string;
}

interface Parsed {
  mtimeMs: number;
  size: number;
  result: Skill | SkillError;
}

/**
 * The installed skills, as the command registry finds them (`/<skill>`).
 *
 * @example
 * const catalog = new SkillCatalog({ folders: skillFolders(home, config.skills.dirs), log });
 * const registry = createBuiltinRegistry(catalog);
 */
export class SkillCatalog implements SkillSource {
  readonly #options: SkillCatalogOptions;
  readonly #parsed = new Map<string, Parsed>();
  /** Problems already logged (`path\0reason`), so each is reported once while it lasts. */
  #reported = new Set<string>();

  constructor(options: SkillCatalogOptions) {
    this.#options = options;
  }

  /** Every skill file and skills folder, usable or not, read afresh (changed files only). */
  entries(): SkillEntry[] {
    const { files, problems } = discoverSkills(this.#options.folders);
    const entries: SkillEntry[] = problems.map((p) => ({ path: p.path, folder: p.path, problem: p.reason }));
    const taken = new Map<string, string>();
    for (const file of files) {
      const result = this.#parse(file);
      if (result instanceof SkillError) {
        entries.push({ path: file.path, folder: file.folder, problem: String(result.details.reason) });
        continue;
      }
      const clash = this.#options.isCommand?.(result.name)
        ? `the name "${result.name}" is taken by the command /${result.name}: rename the skill`
        : taken.has(result.name)
          ? `the name "${result.name}" is taken by the skill in ${taken.get(result.name)}: rename one of them`
          : undefined;
      if (clash) {
        entries.push({ path: file.path, folder: file.folder, problem: clash });
        continue;
      }
      taken.set(result.name, file.path);
      entries.push({ path: file.path, folder: file.folder, skill: result });
    }
    for (const path of this.#parsed.keys()) {
      if (!files.some((f) => f.path === path)) this.#parsed.delete(path);
    }
    this.#report(entries);
    return entries;
  }

  /** The usable skills. */
  skills(): Skill[] {
    return this.entries().flatMap((e) => (e.skill ? [e.skill] : []));
  }

  /** The usable skill of that name. */
  get(name: string): Skill | undefined {
    return this.skills().find((s) => s.name === name);
  }

  /** The runner of `/<name>`, when such a skill is installed. */
  find(name: string): ((ctx: CommandContext) => Promise<CommandReply>) | undefined {
    const skill = this.get(name);
    return skill ? skillRunner(skill) : undefined;
  }

  /** The usable skills as /help and the command menus show them. */
  list(): SkillInfo[] {
    return this.skills().map((s) => {
      const hint = argsHintOf(s);
      return { name: s.name, description: s.description, ...(hint ? { argsHint: hint } : {}) };
    });
  }

  #parse(file: FoundSkillFile): Skill | SkillError {
    const cached = this.#parsed.get(file.path);
    if (cached && cached.mtimeMs === file.mtimeMs && cached.size === file.size) return cached.result;
    let result: Skill | SkillError;
    try {
      result = parseSkill(readFileSync(file.path, 'utf8'), file.path);
    } catch (error) {
      result =
        error instanceof SkillError
          ? error
          : new SkillError('GATEWAY_ERR_CONFIG', `${file.path}: ${errorText(error)}`, {
              path: file.path,
              reason: `cannot be read: ${errorText(error)}`,
            });
    }
    this.#parsed.set(file.path, { mtimeMs: file.mtimeMs, size: file.size, result });
    return result;
  }

  #report(entries: SkillEntry[]): void {
    const log = this.#options.log ?? silentLogger;
    const now = new Set<string>();
    for (const entry of entries) {
      if (!entry.problem) continue;
      const key = `${entry.path}\0${entry.problem}`;
      now.add(key);
      if (!this.#reported.has(key)) {
        log.warn(
          { path: entry.path, reason: entry.problem },
          `Skill skipped: ${entry.path}: ${entry.problem}`,
        );
      }
    }
    this.#reported = now;
  }
}
