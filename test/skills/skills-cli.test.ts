/**
 * `hermes skills list` and `hermes skills show <name>` against a temp home
 * (the real `hermes` command as a child process).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHermes } from '../cli/run-hermes.ts';
import { SUMMARIZE, skillText, tempFolder, writeSkill } from './skill-files.ts';

describe('hermes skills', () => {
  it('list shows every skill with its description and folder, and the skipped ones with their problem', async () => {
    const home = tempFolder();
    const team = tempFolder();
    writeFileSync(join(home, 'config.yaml'), `skills:\n  dirs: [${JSON.stringify(team)}]\n`);
    writeSkill(join(home, 'skills'), 'summarize', SUMMARIZE);
    writeSkill(team, 'standup', skillText('standup', 'Write my standup note', 'Go.'));
    const broken = writeSkill(team, 'broken', '---\nname: Not Typable\ndescription: d\n---\nx');
    const run = await runHermes(['skills', 'list'], { HERMES_HOME: home });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Skills (2):\n' +
        `  /summarize  Summarize a document in a few bullets  (${join(home, 'skills')})\n` +
        `  /standup    Write my standup note  (${team})\n` +
        'Skipped (1):\n' +
        `  ${broken}: name must be a typable command name: lower-case letters, digits, - and _\n`,
    );
  });

  it('list says where to install a skill when there is none', async () => {
    const home = tempFolder();
    const run = await runHermes(['skills', 'list'], { HERMES_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`No skills installed. Add one as ${home}/skills/<name>/SKILL.md.\n`);
  });

  it('show prints the skill file: front matter and instructions', async () => {
    const home = tempFolder();
    const path = writeSkill(join(home, 'skills'), 'summarize', SUMMARIZE);
    const run = await runHermes(['skills', 'show', 'summarize'], { HERMES_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`# ${path}\n${SUMMARIZE}`);
  });

  it('show of an unknown skill fails and names the installed ones', async () => {
    const home = tempFolder();
    writeSkill(join(home, 'skills'), 'summarize', SUMMARIZE);
    const run = await runHermes(['skills', 'show', 'nope'], { HERMES_HOME: home });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'hermes: No skill named "nope". Installed: summarize (see hermes skills list).\n',
    );
  });

  it('refuses a skills.dirs that is not a list, naming the key and the fix', async () => {
    const home = tempFolder();
    writeFileSync(join(home, 'config.yaml'), 'skills:\n  dirs: /opt/skills\n');
    const run = await runHermes(['skills', 'list'], { HERMES_HOME: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('skills.dirs: expected array');
    expect(run.stderr).toContain('Fix:');
  });
});
