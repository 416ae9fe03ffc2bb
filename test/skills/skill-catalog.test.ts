/**
 * Finding installed skills in `$HERMES_HOME/skills` and in `skills.dirs`: broken
 * skills and name clashes are reported once (file and reason) and skipped, and a
 * skill added or changed on disk is seen without a restart.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../src/commands/index.ts';
import type { RuntimeLogger } from '../../src/log/runtime-logger.ts';
import { skillFolders } from '../../src/skills/discover-skills.ts';
import { SkillCatalog } from '../../src/skills/skill-catalog.ts';
import { SUMMARIZE, skillText, tempFolder, writeSkill } from './skill-files.ts';

/** A logger that keeps its warnings. */
function recordingLog(): RuntimeLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const log = {
    warnings,
    info() {},
    warn(_obj: object, msg?: string) {
      warnings.push(msg ?? '');
    },
    error() {},
    debug() {},
    child: () => log,
  };
  return log;
}

/** A catalog over a temp home and one configured folder, with the built-in commands taken. */
function catalogFor(home: string, dirs: string[], log = recordingLog()) {
  const registry = createBuiltinRegistry();
  const catalog = new SkillCatalog({
    folders: skillFolders(home, dirs),
    log,
    isCommand: (name) => registry.resolve(name) !== undefined,
  });
  return { catalog, log };
}

describe('the skill catalog', () => {
  it('finds skills in $HERMES_HOME/skills and in the configured folders, with their folder', () => {
    const home = tempFolder();
    const team = tempFolder();
    writeSkill(join(home, 'skills'), 'summarize', SUMMARIZE);
    writeSkill(team, 'standup', skillText('standup', 'Write my standup note', 'List yesterday and today.'));
    const { catalog } = catalogFor(home, [team]);
    expect(catalog.entries().map((e) => [e.skill?.name, e.folder])).toEqual([
      ['summarize', join(home, 'skills')],
      ['standup', team],
    ]);
    expect(catalog.list()).toEqual([
      { name: 'summarize', description: 'Summarize a document in a few bullets', argsHint: '<file> [style]' },
      { name: 'standup', description: 'Write my standup note' },
    ]);
  });

  it('reads configured folders relative to the home', () => {
    const home = tempFolder();
    writeSkill(join(home, 'team-skills'), 'standup', skillText('standup', 'Standup', 'Go.'));
    const { catalog } = catalogFor(home, ['team-skills']);
    expect(catalog.skills().map((s) => s.name)).toEqual(['standup']);
  });

  it('skips a broken skill and logs one line with the file and the reason, once', () => {
    const home = tempFolder();
    writeSkill(join(home, 'skills'), 'summarize', SUMMARIZE);
    const broken = writeSkill(join(home, 'skills'), 'broken', '---\ndescription: nameless\n---\nbody');
    const { catalog, log } = catalogFor(home, []);
    expect(catalog.skills().map((s) => s.name)).toEqual(['summarize']);
    catalog.list();
    catalog.find('summarize');
    expect(log.warnings).toEqual([`Skill skipped: ${broken}: name is missing: every skill needs a name`]);
  });

  it('skips a skill named like a built-in command, and the second of two skills with one name', () => {
    const home = tempFolder();
    const team = tempFolder();
    const help = writeSkill(join(home, 'skills'), 'my-help', skillText('help', 'My own help', 'Help.'));
    writeSkill(join(home, 'skills'), 'standup', skillText('standup', 'Mine', 'Mine.'));
    const twin = writeSkill(team, 'standup', skillText('standup', 'The team one', 'Theirs.'));
    const { catalog, log } = catalogFor(home, [team]);
    expect(catalog.skills().map((s) => [s.name, s.description])).toEqual([['standup', 'Mine']]);
    expect(catalog.find('help')).toBeUndefined();
    expect(log.warnings).toEqual([
      `Skill skipped: ${help}: the name "help" is taken by the command /help: rename the skill`,
      `Skill skipped: ${twin}: the name "standup" is taken by the skill in ${join(home, 'skills', 'standup', 'SKILL.md')}: rename one of them`,
    ]);
  });

  it('reports a configured folder that does not exist; a missing home folder is fine', () => {
    const home = tempFolder();
    const { catalog, log } = catalogFor(home, ['/nonexistent/skills']);
    expect(catalog.skills()).toEqual([]);
    expect(log.warnings).toEqual([
      'Skill skipped: /nonexistent/skills: the skills folder does not exist (skills.dirs in config.yaml): create it or remove it from the list',
    ]);
  });

  it('sees a skill installed or edited after it started, without a restart', () => {
    const home = tempFolder();
    const { catalog } = catalogFor(home, []);
    expect(catalog.list()).toEqual([]);
    const path = writeSkill(join(home, 'skills'), 'standup', skillText('standup', 'First', 'One.'));
    expect(catalog.list().map((s) => s.description)).toEqual(['First']);
    writeFileSync(path, skillText('standup', 'Second version', 'Two.'));
    utimesSync(path, new Date(), new Date(Date.now() + 5_000)); // a new mtime even on a coarse clock
    expect(catalog.get('standup')?.instructions).toBe('Two.');
    expect(catalog.list().map((s) => s.description)).toEqual(['Second version']);
  });
});
