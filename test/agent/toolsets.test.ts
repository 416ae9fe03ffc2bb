/**
 * Toolsets: what each platform's sessions get by default, how config.yaml
 * narrows it, that unknown tool names are refused with the known ones, and
 * that the OpenAI-compatible backend offers the model only the allowed tools.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Tool } from '../../src/agent/agent.ts';
import { createOpenAIAgent } from '../../src/agent/openai-agent.ts';
import { KNOWN_TOOLS, toolsetFor, toolsetSettingsOf } from '../../src/agent/toolsets.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import { ConfigError } from '../../src/errors.ts';
import { type FakeModelServer, startFakeModelServer } from '../fakes/fake-model-server.ts';

const EVERY_TOOL = [...KNOWN_TOOLS, 'github__create_issue', 'files__read'];
const allowed = (toolset: { allows(name: string): boolean }) => EVERY_TOOL.filter((t) => toolset.allows(t));

describe('default toolsets', () => {
  it('a chat platform gets every tool, terminal and MCP tools included, but not the Home Assistant ones', () => {
    const telegram = toolsetFor('telegram');
    expect(telegram.name).toBe('hermes-telegram');
    expect(allowed(telegram)).toEqual([
      'terminal',
      'process',
      'cronjob',
      'send_message',
      'clarify',
      'text_to_speech',
      'github__create_issue',
      'files__read',
    ]);
  });

  it('Home Assistant adds its ha_* tools', () => {
    const ha = toolsetFor('homeassistant');
    expect(ha.name).toBe('hermes-homeassistant');
    expect(allowed(ha)).toEqual(expect.arrayContaining(['terminal', 'ha_list_entities', 'ha_call_service']));
  });

  it('the API server (headless) drops clarify, send_message and text_to_speech', () => {
    const api = toolsetFor('api');
    expect(api.name).toBe('hermes-api-server');
    expect(allowed(api)).toEqual(['terminal', 'process', 'cronjob', 'github__create_issue', 'files__read']);
    // any headless platform does the same
    expect(toolsetFor('webhook', { headless: true }).allows('clarify')).toBe(false);
  });
});

describe('toolsets from config.yaml', () => {
  it('exclude takes tools away; mcp:<server> and mcp name MCP tools', () => {
    const config = validateConfig({
      toolsets: { telegram: { exclude: ['terminal', 'mcp:github'] }, discord: { exclude: ['mcp'] } },
    });
    const telegram = toolsetFor('telegram', { settings: toolsetSettingsOf(config.toolsets, 'telegram') });
    expect(telegram.allows('terminal')).toBe(false);
    expect(telegram.allows('github__create_issue')).toBe(false);
    expect(telegram.allows('files__read')).toBe(true);
    expect(telegram.allows('process')).toBe(true);
    const discord = toolsetFor('discord', { settings: toolsetSettingsOf(config.toolsets, 'discord') });
    expect(allowed(discord)).not.toContain('files__read');
    expect(discord.allows('terminal')).toBe(true);
    // a platform the section does not name keeps its default
    expect(
      toolsetFor('slack', { settings: toolsetSettingsOf(config.toolsets, 'slack') }).allows('terminal'),
    ).toBe(true);
  });

  it('include lists the only tools; exclude still applies; api_server keys the API server', () => {
    const config = validateConfig({
      toolsets: {
        telegram: { include: ['clarify', 'mcp'], exclude: ['files__read'] },
        api_server: { include: ['cronjob'] },
      },
    });
    const telegram = toolsetFor('telegram', { settings: toolsetSettingsOf(config.toolsets, 'telegram') });
    expect(allowed(telegram)).toEqual(['clarify', 'github__create_issue']);
    const api = toolsetFor('api', { settings: toolsetSettingsOf(config.toolsets, 'api') });
    expect(allowed(api)).toEqual(['cronjob']);
  });

  it('refuses an unknown tool name with the key, the known names and the near miss', () => {
    let error: unknown;
    try {
      validateConfig({ toolsets: { telegram: { exclude: ['terminal', 'termnal'] } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues.find((i) => i.path === 'toolsets.telegram.exclude.1');
    expect(issue?.message).toContain('"termnal" is not a tool: known tools are terminal, process, cronjob');
    expect(issue?.fix).toBe('write "terminal" instead of "termnal"');
  });

  it('refuses an unknown key in a platform toolset', () => {
    expect(() => validateConfig({ toolsets: { telegram: { exclud: ['terminal'] } } as never })).toThrow(
      /toolsets\.telegram\.exclud/,
    );
  });
});

describe('the OpenAI-compatible backend offers only the toolset', () => {
  let model: FakeModelServer | undefined;
  afterEach(async () => {
    await model?.close();
    model = undefined;
  });

  const tool = (name: string): Tool => ({
    name,
    description: name,
    parameters: { type: 'object', properties: {} },
    execute: async () => `${name} ran`,
  });

  it('leaves the tools the toolset forbids out of the request and refuses a call to them', async () => {
    model = await startFakeModelServer();
    model.script({ kind: 'tool_calls', calls: [{ name: 'terminal', arguments: '{}' }] }, (request) => ({
      kind: 'text',
      text: String(request.messages.at(-1)?.content),
    }));
    const agent = createOpenAIAgent({
      baseURL: model.url,
      apiKey: 'k',
      model: 'fake',
      tools: [tool('terminal'), tool('process')],
      maxRetries: 0,
    });
    const toolset = toolsetFor('telegram', { settings: { exclude: ['terminal'] } });
    const result = await agent.run({
      sessionKey: 'telegram:dm:1',
      messages: [{ role: 'user', content: 'list files' }],
      signal: new AbortController().signal,
      onEvent: () => {},
      tools: [tool('send_message'), tool('github__create_issue')],
      allowTools: toolset.allows,
    });
    const offered = (model.requests[0]?.tools ?? []).map((t) => t.function.name);
    expect(offered.sort()).toEqual(['github__create_issue', 'process', 'send_message']);
    expect(result.text).toContain('unknown tool "terminal"');
  });
});
