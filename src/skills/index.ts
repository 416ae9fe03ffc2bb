/**
 * Installed skills: `SKILL.md` folders run as `/<skill>` (parse, discover, catalog, run).
 */
export {
  type Discovery,
  discoverSkills,
  SKILLS_DIR_NAME,
  type SkillFolder,
  skillFolders,
} from './discover-skills.ts';
export { parseSkill, SKILL_FILE, SKILL_NAME, type Skill, type SkillArgument } from './parse-skill.ts';
export { bindArguments, skillPrompt, skillRunner, skillUsage } from './run-skill.ts';
export { SkillCatalog, type SkillCatalogOptions, type SkillEntry } from './skill-catalog.ts';
export { SkillError } from './skill-error.ts';
