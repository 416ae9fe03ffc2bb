/**
 * Installed skills in the running gateway: /help lists them as their own group,
 * the platforms' command menus carry them, `/<skill> args` starts a normal agent
 * turn whose prompt holds the instructions and the arguments (the transcript keeps
 * what the user typed), under the tier gate and the busy-input mode.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandInfo } from '../../src/adapters/contract.ts';
import type { Agent, AgentRequest } from '../../src/agent/agent.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/runtime/create-gateway.ts';
import { BUSY_ACKS } from '../../src/runtime/session-effects.ts';
import { skillFolders } from '../../src/skills/discover-skills.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';
import { SUMMARIZE, skillText, tempFolder, writeSkill } from './skill-files.ts';

/** A chat platform with a command menu. */
class MenuChat extends MemoryAdapter {
  readonly menus: CommandInfo[][] = [];
  async setCommands(commands: CommandInfo[]) {
    this.menus.push(commands);
  }
}

const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

/** An agent that records every request; a prompt with "slow" waits for `release()`. */
function recordingAgent() {
  const requests: AgentRequest[] = [];
  let release: () => void = () => {};
  const agent: Agent = {
    name: 'recording',
    async run(request) {
      requests.push(request);
      const prompt = request.messages.at(-1)!.content;
      if (prompt.includes('slow')) await new Promise<void>((r) => (release = r));
      return { text: `answer ${requests.length}`, usage: { inputTokens: 0, outputTokens: 0 }, messages: [] };
    },
  };
  return { agent, requests, release: () => release() };
}

/** A gateway with the summarize skill installed in a temp home. */
async function start(options: Partial<GatewayOptions> = {}) {
  const home = tempFolder();
  writeSkill(join(home, 'skills'), 'summarize', SUMMARIZE);
  const chat = new MenuChat({ name: 'chat' });
  const recorder = recordingAgent();
  const store = createMemoryStore();
  const gateway = createGateway({
    store,
    agent: recorder.agent,
    adapters: [chat],
    skillFolders: skillFolders(home),
    ...options,
  });
  running.push(gateway);
  await gateway.start();
  return { home, chat, store, gateway, ...recorder };
}

/** Tiers on for DMs of the chat platform: `boss` is admin, users may run /status only. */
const TIERED = validateConfig({
  gateway: {
    platforms: { chat: { extra: { allow_admin_from: ['boss'], user_allowed_commands: ['status'] } } },
  },
});

describe('skills in the gateway', () => {
  it('/help lists the installed skills as their own group, and a skill installed later appears', async () => {
    const { home, chat, gateway } = await start();
    await chat.receive({ chatId: 'c', text: '/help' });
    await gateway.settled();
    const help = chat.textsTo('c')[0]!;
    expect(help).toMatch(/^Commands:\n\/help — /);
    expect(help).toContain('\n\nSkills:\n/summarize <file> [style] — Summarize a document in a few bullets');

    writeSkill(join(home, 'skills'), 'standup', skillText('standup', 'Write my standup note', 'Go.'));
    await chat.receive({ chatId: 'c', text: '/help' });
    await gateway.settled();
    expect(chat.textsTo('c')[1]).toContain('/standup — Write my standup note');
  });

  it('puts the skills in the platform command menu', async () => {
    const { chat } = await start();
    await vi.waitFor(() => expect(chat.menus).toHaveLength(1));
    const menu = chat.menus[0]!;
    expect(menu.find((c) => c.name === 'help')).toBeDefined();
    expect(menu.find((c) => c.name === 'summarize')).toEqual({
      name: 'summarize',
      description: 'Summarize a document in a few bullets',
    });
  });

  it('runs /<skill> as an agent turn with the instructions and the arguments; the transcript keeps what was typed', async () => {
    const { chat, gateway, requests, store } = await start();
    await chat.receive({ chatId: 'c', text: '/summarize q3-report.pdf as a haiku' });
    await gateway.settled();
    expect(requests).toHaveLength(1);
    const prompt = requests[0]!.messages.at(-1)!;
    expect(prompt.role).toBe('user');
    expect(prompt.content).toContain('Read the file with read_file and answer with at most five bullets.');
    expect(prompt.content).toContain('Tools this skill uses: read_file');
    expect(prompt.content).toContain('- file: q3-report.pdf\n- style: as a haiku');
    expect(chat.textsTo('c')).toEqual(['answer 1']);

    const transcript = await store.transcript.listBySession(requests[0]!.sessionKey);
    expect(transcript.map((e) => [e.role, e.content])).toEqual([
      ['user', '/summarize q3-report.pdf as a haiku'],
      ['assistant', 'answer 1'],
    ]);

    // the next turn sees the command line in the history, not the instructions again
    await chat.receive({ chatId: 'c', text: 'thanks' });
    await gateway.settled();
    expect(requests[1]!.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', '/summarize q3-report.pdf as a haiku'],
      ['assistant', 'answer 1'],
      ['user', 'thanks'],
    ]);
  });

  it('/retry of a skill turn runs the skill again, with its instructions', async () => {
    const { chat, gateway, requests } = await start();
    await chat.receive({ chatId: 'c', text: '/summarize q3-report.pdf' });
    await gateway.settled();
    await chat.receive({ chatId: 'c', text: '/retry' });
    await gateway.settled();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages.map((m) => m.role)).toEqual(['user']);
    expect(requests[1]!.messages[0]!.content).toContain('Read the file with read_file');
    expect(requests[1]!.messages[0]!.content).toContain('- file: q3-report.pdf');
    expect(chat.textsTo('c')).toEqual(['answer 1', 'answer 2']);
  });

  it('answers with the usage and starts no turn when a required argument is missing', async () => {
    const { chat, gateway, requests } = await start();
    await chat.receive({ chatId: 'c', text: '/summarize' });
    await gateway.settled();
    expect(requests).toEqual([]);
    expect(chat.textsTo('c')).toEqual([
      'Usage: /summarize <file> [style] — Summarize a document in a few bullets\n' +
        '  file: the document to summarize\n' +
        '  style (optional): how to write the summary',
    ]);
  });

  it('follows the busy-input mode: in queue mode a skill sent while the agent works runs next', async () => {
    const { chat, gateway, requests, release } = await start({ settings: { busyInputMode: 'queue' } });
    await chat.receive({ chatId: 'c', text: 'a slow question' });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    await chat.receive({ chatId: 'c', text: '/summarize notes.txt' });
    await vi.waitFor(() => expect(chat.textsTo('c')).toEqual([BUSY_ACKS.queue]));
    expect(requests).toHaveLength(1);
    release();
    await gateway.settled();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages.at(-1)!.content).toContain('- file: notes.txt');
    expect(chat.textsTo('c')).toEqual([BUSY_ACKS.queue, 'answer 1', 'answer 2']);
  });

  it('refuses a skill to a user whose allowed commands leave it out; an admin runs it', async () => {
    const { chat, gateway, requests } = await start({ config: TIERED });
    await chat.receive({ chatId: 'guest', userId: 'guest', text: '/summarize plan.md' });
    await chat.receive({ chatId: 'guest', userId: 'guest', text: '/help' });
    await gateway.settled();
    expect(requests).toEqual([]);
    const [refusal, help] = chat.textsTo('guest');
    expect(refusal).toBe('⛔ /summarize is admin-only here. You can run: /help, /whoami, /status');
    expect(help).not.toContain('/summarize');

    await chat.receive({ chatId: 'boss', userId: 'boss', text: '/summarize plan.md' });
    await gateway.settled();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.messages.at(-1)!.content).toContain('- file: plan.md');
  });

  it('lets a user run a skill listed in their allowed commands', async () => {
    const config = validateConfig({
      gateway: {
        platforms: { chat: { extra: { allow_admin_from: ['boss'], user_allowed_commands: ['summarize'] } } },
      },
    });
    const { chat, gateway, requests } = await start({ config });
    await chat.receive({ chatId: 'guest', userId: 'guest', text: '/help' });
    await chat.receive({ chatId: 'guest', userId: 'guest', text: '/summarize plan.md' });
    await gateway.settled();
    expect(chat.textsTo('guest')[0]).toContain('Skills:\n/summarize');
    expect(requests).toHaveLength(1);
  });
});
