/**
 * The slash-command registry: every command, built-in or added later, is
 * registered here and dispatched through one gate (alias → tier gate →
 * handler → installed skills → a helpful "unknown command").
 */
import type { Scope, Tier, TierPolicy } from '../access/tiers.ts';
import type { InboundMessage } from '../adapters/contract.ts';
import { GatewayError } from '../errors.ts';
import type { CommandServices } from './services.ts';

export type { Scope, Tier, TierPolicy } from '../access/tiers.ts';

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
  /** Installed skills this caller may run in this scope (for /help). */
  allowedSkills?: () => SkillInfo[];
  /** The runner of an installed skill this caller may run (for `/retry` of a skill's turn). */
  skill?: (name: string) => ((ctx: CommandContext) => Promise<CommandReply>) | undefined;
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

/** An installed skill as /help and the platforms' command menus show it. */
export interface SkillInfo {
  name: string;
  description: string;
  /** Shown in /help, e.g. `<topic> [length]`. */
  argsHint?: string;
}

/** A source of installed skills (`/<skill>`). */
export interface SkillSource {
  /** The skill's runner, when a skill of that name is installed. */
  find(name: string): ((ctx: CommandContext) => Promise<CommandReply>) | undefined;
  /** Every installed skill (for /help and the command menus). */
  list?(): SkillInfo[];
}

/** No skills installed. */
export const NO_SKILLS: SkillSource = { find: () => undefined };

/** Always runnable, whatever the tier. */
export const ALWAYS_ALLOWED = ['help', 'whoami'] as const;

/** What a command name or alias may hold: what `parseCommand` reads after the slash, in lower case. */
const COMMAND_NAME = /^[a-z0-9_-]+$/;

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

  /**
   * Adds a command. It is behind the same tier gate as every other command.
   *
   * @throws GatewayError `GATEWAY_ERR_OPTION` when its name or an alias is already
   * taken (by a name or an alias) or is not a typable command name.
   */
  register(definition: CommandDefinition): this {
    const names = [definition.name, ...(definition.aliases ?? [])];
    names.forEach((name, i) => {
      if (!COMMAND_NAME.test(name)) {
        throw new GatewayError(
          'GATEWAY_ERR_OPTION',
          `The command name /${name} cannot be typed: use lower-case letters, digits, - and _`,
          { command: name },
        );
      }
      if (this.#commands.has(name) || this.#aliases.has(name) || names.indexOf(name) !== i) {
        throw new GatewayError('GATEWAY_ERR_OPTION', `The command /${name} is registered twice`, {
          command: name,
        });
      }
    });
    this.#commands.set(definition.name, definition);
    for (const alias of definition.aliases ?? []) this.#aliases.set(alias, definition.name);
    return this;
  }

  /** Every command, in registration order. */
  list(): CommandDefinition[] {
    return [...this.#commands.values()];
  }

  /** The command for a name or alias (any case, with or without the slash). */
  resolve(nameOrAlias: string): CommandDefinition | undefined {
    const name = nameOrAlias.replace(/^\//, '').toLowerCase();
    return this.#commands.get(this.#aliases.get(name) ?? name);
  }

  /**
   * Parses a command line (see `parseCommand`); undefined for text that is not a command.
   *
   * @example
   * registry.parse('/help@hermes_bot') // { name: 'help', args: '' }
   */
  parse(text: string): ParsedCommand | undefined {
    return parseCommand(text);
  }

  /**
   * Whether a caller with `policy` may run `name` (a command, alias or skill name).
   * Admins and unrestricted callers run everything; users run /help, /whoami and
   * their scope's commands, where an alias in the list allows its command.
   */
  permits(policy: TierPolicy, name: string): boolean {
    if (policy.tier !== 'user') return true;
    const canonical = this.resolve(name)?.name ?? name;
    if ((ALWAYS_ALLOWED as readonly string[]).includes(canonical)) return true;
    return policy.userCommands.some((listed) => (this.resolve(listed)?.name ?? listed) === canonical);
  }

  /** The refusal a caller gets for a command they may not run. */
  #denial(name: string, policy: TierPolicy): CommandReply {
    const runnable = this.allowedFor(policy)
      .map((c) => `/${c.name}`)
      .join(', ');
    return { text: `⛔ /${name} is admin-only here. You can run: ${runnable}` };
  }

  /** The installed skills a caller with `policy` may run (behind the same gate as the commands). */
  allowedSkillsFor(policy: TierPolicy): SkillInfo[] {
    return (this.#skills.list?.() ?? []).filter((s) => !this.resolve(s.name) && this.permits(policy, s.name));
  }

  /** What a platform's command menu shows: every command, then every installed skill. */
  menu(): { name: string; description: string }[] {
    const skills = (this.#skills.list?.() ?? []).filter((s) => !this.resolve(s.name));
    return [...this.list(), ...skills].map((c) => ({ name: c.name, description: c.description }));
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
    base: Omit<CommandContext, 'command' | 'args' | 'allowed' | 'allowedSkills' | 'skill'>,
    policy: TierPolicy,
  ): Promise<CommandReply> {
    const definition = this.resolve(parsed.name);
    const allowed = () => this.allowedFor(policy);
    const allowedSkills = () => this.allowedSkillsFor(policy);
    const skill = (name: string) =>
      this.resolve(name) || !this.permits(policy, name) ? undefined : this.#skills.find(name);
    if (!definition) {
      const run = this.#skills.find(parsed.name);
      if (!run) return { text: `Unknown command /${parsed.name} — /help lists the commands.` };
      if (!this.permits(policy, parsed.name)) return this.#denial(parsed.name, policy);
      return run({ ...base, command: parsed.name, args: parsed.args, allowed, allowedSkills, skill });
    }
    if (!this.permits(policy, definition.name)) return this.#denial(parsed.name, policy);
    if (base.busy && !definition.busyAllowed) {
      return {
        text: `⏳ /${definition.name} can't run while I'm working on this chat. Send /stop first, or wait.`,
      };
    }
    return definition.handler({
      ...base,
      command: definition.name,
      args: parsed.args,
      allowed,
      allowedSkills,
      skill,
    });
  }
}
