/**
 * Reading a SKILL.md: front matter (name, description, tools, arguments) and the
 * instructions; every broken file is refused with the file and the reason.
 */
import { describe, expect, it } from 'vitest';
import { parseSkill } from '../../src/skills/parse-skill.ts';
import { SkillError } from '../../src/skills/skill-error.ts';
import { SUMMARIZE } from './skill-files.ts';

const PATH = '/skills/x/SKILL.md';

function problemOf(text: string): string {
  try {
    parseSkill(text, PATH);
  } catch (error) {
    expect(error).toBeInstanceOf(SkillError);
    expect((error as SkillError).code).toBe('GATEWAY_ERR_CONFIG');
    expect((error as SkillError).message).toContain(PATH);
    return String((error as SkillError).details.reason);
  }
  throw new Error('the skill was accepted');
}

describe('parseSkill', () => {
  it('reads the front matter and keeps the Markdown body as the instructions', () => {
    const skill = parseSkill(SUMMARIZE, PATH);
    expect(skill).toEqual({
      name: 'summarize',
      description: 'Summarize a document in a few bullets',
      tools: ['read_file'],
      arguments: [
        { name: 'file', description: 'the document to summarize', required: true },
        { name: 'style', description: 'how to write the summary', required: false },
      ],
      instructions: '# Summarize\n\nRead the file with read_file and answer with at most five bullets.',
      path: PATH,
    });
  });

  it('needs only a name and a description; keys of other skill formats are ignored', () => {
    const skill = parseSkill('---\nname: hi\ndescription: Say hi\nlicense: MIT\n---\nSay hi.', PATH);
    expect(skill).toMatchObject({ name: 'hi', tools: [], arguments: [], instructions: 'Say hi.' });
  });

  it('refuses a skill without a name', () => {
    expect(problemOf('---\ndescription: No name\n---\nbody')).toBe(
      'name is missing: every skill needs a name',
    );
  });

  it('refuses a name that cannot be typed as a command', () => {
    expect(problemOf('---\nname: Sum Up\ndescription: d\n---\nbody')).toMatch(
      /^name must be a typable command name/,
    );
  });

  it('refuses front matter that is not YAML, with the line in the file', () => {
    expect(problemOf('---\nname: [oops\ndescription: d\n---\nbody')).toMatch(
      /^front matter is not valid YAML \(line 3\)/,
    );
  });

  it('refuses a file without front matter', () => {
    expect(problemOf('# Just Markdown')).toMatch(/^no front matter/);
  });

  it('refuses a required argument after an optional one', () => {
    const text =
      '---\nname: x\ndescription: d\narguments:\n  - name: a\n  - name: b\n    required: true\n---\nbody';
    expect(problemOf(text)).toMatch(/required argument cannot follow an optional one/);
  });
});
