/**
 * The configured `openai` agent takes a checkpoint before the first terminal
 * command of a turn: one per turn, with the turn's message as its summary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/create-agent.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';
import { describeWithGit, openStore, workDirWith } from './git-fixture.ts';

let model: FakeModelServer | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

describeWithGit('checkpoints of an agent turn', () => {
  it('records the working directory before the first terminal command of a turn, once', async () => {
    const dir = workDirWith({ 'notes.txt': 'draft\n' });
    const store = await openStore(dir);
    model = await startFakeModelServer();
    model.script(
      {
        kind: 'tool_calls',
        calls: [{ name: 'terminal', arguments: '{"command":"echo final > notes.txt"}' }],
      },
      {
        kind: 'tool_calls',
        calls: [{ name: 'terminal', arguments: '{"command":"echo more >> notes.txt"}' }],
      },
      { kind: 'text', text: 'Done.' },
    );
    const agent = createAgent(
      { backend: 'openai', base_url: model.url, model: 'fake-model', api_key: 'k' },
      { checkpoints: store },
    );
    const result = await agent.run({
      sessionKey: 'telegram:dm:42',
      messages: [{ role: 'user', content: 'Finish the notes' }],
      signal: new AbortController().signal,
      onEvent: () => {},
    });
    await agent.close?.();
    expect(result.text).toBe('Done.');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('final\nmore\n');

    const list = await store.list();
    expect(list.map((c) => [c.summary, c.sessionKey])).toEqual([['Finish the notes', 'telegram:dm:42']]);
    expect(list[0]?.changedSince).toEqual([{ status: 'modified', path: 'notes.txt' }]);
  });
});
