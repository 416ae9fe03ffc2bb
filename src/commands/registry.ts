/**
 * The slash-command registry: every command, built-in or added later, is
 * registered here and dispatched through one gate (alias → tier gate →
 * handler → installed skills → a helpful "unknown command").
 */
import type { InboundMessage } from '../adapters/contract.ts';
import { GatewayError } from '../errors.ts';
import type { CommandServices } from './services.ts';

/** Who is asking, for the tier gate. */
export type Tier = 'admin' | 'user' | 'unrestricted';

/** Whether the command came from a DM or a group/channel/thread. */
export type Scope = 'dm' | 'group';

/** What a command handler gets. */
export interface CommandContext {
  message: InboundMessage;
  sessionKey: string;
  /** The command's canonical name (without the slash). */
  command: string;
  /** Everything after the command name, trimmed. */
  args: string;
  tier: Tier;
  scope: Scope;
  /** Whether the session has a run in flight. */
  busy: boolean;
  /** Commands this caller may run in this scope (for /help and /whoami). */
  allowed: () => CommandDefinition[];
  services: CommandServices;
}

/** What a handler answers: text for the chat (optional). */
export interface CommandReply {
  text?: string;
}

/** One command. */
export interface CommandDefinition {
  name: string;
  aliases?: string[];
  /** Shown in /help, e.g. `[provider:model]`. */
  argsHint?: string;
  description: string;
  /** Whether it may run while the agent works on this chat. */
  busyAllowed: boolean;
  handler(ctx: CommandContext): Promise<CommandReply>;
}

/** A source of installed skills (`/<skill>`). */
export interface SkillSource {
  /** The skill's runner, when a skill of that name is installed. */
  find(name: string): ((ctx: CommandContext) => Promise<CommandReply>) | undefined;
}

/** No skills installed. */
export const NO_SKILLS: SkillSource = { find: () => undefined };

/** The gate's verdict for one caller. */
export interface TierPolicy {
  tier: Tier;
  /** For the `user` tier: the commands this scope allows users (besides /help and /whoami). */
  userCommands: string[];
}

/** Always runnable, whatever the tier. */
export const ALWAYS_ALLOWED = ['help', 'whoami'] as const;

/** A parsed command line. */
export interface ParsedCommand {
  name: string;
  args: string;
}

/**
 * Parses `/name args` (also `/name@botname args`, as Telegram sends in groups);
 * undefined for text that is not a command.
 *
 * @example
 * parseCommand('/model@hermes_bot openai:gpt-4o') // { name: 'model', args: 'openai:gpt-4o' }
 */
export function parseCommand(text: string): ParsedCommand | undefined {
  const match = /^\/([A-Za-z0-9_-]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

/**
 * The registry.
 *
 * @example
 * const registry = new CommandRegistry();
 * registry.register({ name: 'ping', description: 'Answers pong', busyAllowed: true, handler: async () => ({ text: 'pong' }) });
 */
export class CommandRegistry {
  readonly #commands = new Map<string, CommandDefinition>();
  readonly #aliases = new Map<string, string>();
  readonly #skills: SkillSource;

  constructor(skills: SkillSource = NO_SKILLS) {
    this.#skills = skills;
  }

  /** Adds a command; a name or alias already taken is refused. */
  register(definition: CommandDefinition): this {
    for (const name of [definition.name, ...(definition.aliases ?? [])]) {
      if (this.#commands.has(name) || this.#aliases.has(name)) {
        throw new GatewayError('GATEWAY_ERR_OPTION', `The command /${name} is registered twice`, {
          command: name,
        });
      }
    }
    this.#commands.set(definition.name, definition);
    for (const alias of definition.aliases ?? []) this.#aliases.set(alias, definition.name);
    return this;
  }

  /** Every command, in registration order. */
  list(): CommandDefinition[] {
    return [...this.#commands.values()];
  }

  /** The command for a name or alias. */
  resolve(name: string): CommandDefinition | undefined {
    return this.#commands.get(this.#aliases.get(name) ?? name);
  }

  /** Whether a caller with `policy` may run `name`. */
  permits(policy: TierPolicy, name: string): boolean {
    if (policy.tier !== 'user') return true;
    return (ALWAYS_ALLOWED as readonly string[]).includes(name) || policy.userCommands.includes(name);
  }

  /** The commands a caller with `policy` may run. */
  allowedFor(policy: TierPolicy): CommandDefinition[] {
    return this.list().filter((c) => this.permits(policy, c.name));
  }

  /**
   * Runs a command line for a caller: alias → tier gate → busy check → handler →
   * installed skills → unknown. Always answers (never silence).
   */
  async dispatch(
    parsed: ParsedCommand,
    base: Omit<CommandContext, 'command' | 'args' | 'allowed'>,
    policy: TierPolicy,
  ): Promise<CommandReply> {
    const definition = this.resolve(parsed.name);
    const allowed = () => this.allowedFor(policy);
    if (!definition) {
      const skill = this.#skills.find(parsed.name);
      if (skill && this.permits(policy, parsed.name)) {
        return skill({ ...base, command: parsed.name, args: parsed.args, allowed });
      }
      return { text: `Unknown command /${parsed.name} — /help lists the commands.` };
    }
    if (!this.permits(policy, definition.name)) {
      const runnable = allowed()
        .map((c) => `/${c.name}`)
        .join(', ');
      return { text: `⛔ /${definition.name} is admin-only here. You can run: ${runnable}` };
    }
    if (base.busy && !definition.busyAllowed) {
      return {
        text: `⏳ /${definition.name} can't run while I'm working on this chat. Send /stop first, or wait.`,
      };
    }
    return definition.handler({ ...base, command: definition.name, args: parsed.args, allowed });
  }
}
