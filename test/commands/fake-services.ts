/**
 * An in-memory `CommandServices` for command tests: one chat's session whose
 * settings follow the `SETTINGS` events commands send, home channels and usage
 * analytics on a real memory store, a fixed clock.
 */
import { afterEach } from 'vitest';
import { scopeOf, tierPolicy } from '../../src/access/tiers.ts';
import type { InboundMessage } from '../../src/adapters/contract.ts';
import { readHomeChannel, writeHomeChannel } from '../../src/commands/home-channel.ts';
import { createBuiltinRegistry } from '../../src/commands/index.ts';
import type { CommandRegistry } from '../../src/commands/registry.ts';
import type { CommandServices, McpControl, PlatformControl } from '../../src/commands/services.ts';
import type { GatewayConfigInput } from '../../src/config/schema.ts';
import { validateConfig } from '../../src/config/validate-config.ts';
import {
  DEFAULT_SESSION_SETTINGS,
  type SessionContext,
  type SessionEvent,
  type SessionSettings,
} from '../../src/machines/session.ts';
import { createMemoryStore } from '../../src/persistence/memory-store.ts';
import type { Store } from '../../src/persistence/store.ts';

/** The fake clock's time: 2026-11-24T12:00:00Z. */
export const NOW = Date.UTC(2026, 10, 24, 12);

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** A message in a chat; defaults: telegram DM from user 42 (Alice). */
export function message(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    platform: 'telegram',
    chatType: 'dm',
    chatId: '42',
    userId: '42',
    userName: 'Alice',
    text: '',
    platformMessageId: 'm1',
    ...overrides,
  };
}

/** A session context with the given settings (the rest idle and empty). */
function sessionContext(sessionKey: string, settings: SessionSettings): SessionContext {
  return {
    sessionKey,
    platform: 'telegram',
    chatType: 'dm',
    chatId: '42',
    threadId: null,
    conversationId: `${sessionKey}/1`,
    runCount: 0,
    queue: [],
    run: null,
    interrupted: null,
    restartInterruptions: 0,
    lastError: null,
    merging: [],
    superseded: [],
    steered: [],
    lastBusyAckAt: null,
    settings,
    pendingApproval: null,
    pendingClarification: null,
    resetNotice: null,
    titles: {},
  };
}

/** What a test sets up. */
export interface FakeOptions {
  /** config.yaml content as an object (validated, defaults filled in). */
  config?: GatewayConfigInput;
  /** The session's settings; `null` for a chat without a session yet. */
  settings?: Partial<SessionSettings> | null;
  /** The platforms `/platform` sees (default: none). */
  platforms?: PlatformControl;
  /** The MCP servers `/reload-mcp` reloads (default: none). */
  mcp?: McpControl;
}

/** The fake and what the test inspects. */
export interface Fake {
  services: CommandServices;
  store: Store;
  /** Every event commands sent to the session. */
  sent: SessionEvent[];
  /** The session's current settings (after the SETTINGS events). */
  settings(): SessionSettings | undefined;
}

/**
 * A fake `CommandServices` for one chat (`telegram:dm:42`).
 *
 * @example
 * const fake = await fakeServices({ config: { providers: {...} } });
 */
export async function fakeServices(options: FakeOptions = {}): Promise<Fake> {
  const store = createMemoryStore({ now: () => NOW });
  stores.push(store);
  await store.migrate();
  const config = validateConfig(options.config ?? {});
  const sessionKey = 'telegram:dm:42';
  let settings: SessionSettings | undefined =
    options.settings === null ? undefined : { ...DEFAULT_SESSION_SETTINGS, ...options.settings };
  const sent: SessionEvent[] = [];
  const unused = (name: string) => () => Promise.reject(new Error(`${name} is not used by these commands`));
  const services: CommandServices = {
    async session() {
      if (!settings) return undefined;
      return {
        sessionKey,
        state: 'idle',
        path: 'idle',
        context: sessionContext(sessionKey, settings),
        active: true,
      };
    },
    async send(event) {
      sent.push(event);
      if (event.type === 'SETTINGS') settings = { ...(settings ?? DEFAULT_SESSION_SETTINGS), ...event.patch };
    },
    deliver: unused('deliver'),
    conversations: unused('conversations'),
    usage: (conversationId) => store.transcript.usage(conversationId),
    transcript: unused('transcript'),
    setAside: unused('setAside'),
    config,
    now: () => NOW,
    home: (platform) => readHomeChannel(store.meta, platform),
    setHome: (home) => writeHomeChannel(store.meta, home),
    insights: (sinceMs) => store.transcript.summary(sinceMs),
    platforms: options.platforms ?? { list: () => [], pause: () => undefined, resume: () => undefined },
    startBackground: unused('startBackground'),
    ...(options.mcp ? { mcp: options.mcp } : {}),
  };
  return { services, store, sent, settings: () => settings };
}

/** How `say` sends a command. */
export interface SayOptions {
  /** Overrides of the sender's message (platform, chat type, user...). */
  message?: Partial<InboundMessage>;
  /** The registry (default: every built-in command). */
  registry?: CommandRegistry;
  /** Whether the session has a run in flight. */
  busy?: boolean;
}

/**
 * Sends a command line through the whole gate, as the runtime does: parse, the
 * sender's tier from the fake's config, dispatch. Answers the reply's text.
 *
 * @example
 * await say(fake, '/model openai:gpt-4o') // '✅ Model for this chat: openai:gpt-4o. ...'
 */
export async function say(fake: Fake, text: string, options: SayOptions = {}): Promise<string | undefined> {
  const registry = options.registry ?? createBuiltinRegistry();
  const msg = message({ text, ...options.message });
  const parsed = registry.parse(text);
  if (!parsed) throw new Error(`not a command: ${text}`);
  const scope = scopeOf(msg.chatType);
  const policy = tierPolicy(fake.services.config, msg.platform, scope, msg.userId);
  const reply = await registry.dispatch(
    parsed,
    {
      message: msg,
      sessionKey: 'telegram:dm:42',
      tier: policy.tier,
      scope,
      busy: options.busy ?? false,
      services: fake.services,
    },
    policy,
  );
  return reply.text;
}
