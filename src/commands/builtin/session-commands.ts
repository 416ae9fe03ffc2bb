/**
 * The commands about the conversation itself: /stop, /queue, /steer,
 * /approve, /deny, /new (/reset), /title, /resume, /status, /usage.
 */
import { type CommandContext, type CommandDefinition, type CommandReply, parseCommand } from '../registry.ts';

const running = (state: string | undefined) => state === 'running' || state === 'resuming';

/** /stop: interrupt the run without running anything queued. */
export const stopCommand: CommandDefinition = {
  name: 'stop',
  description: 'Stop the running task (queued messages are dropped)',
  busyAllowed: true,
  async handler(ctx) {
    const session = await ctx.services.session();
    if (!running(session?.state)) return { text: 'No active task to stop.' };
    await ctx.services.send({ type: 'STOP' });
    return {};
  },
};

function deliverAs(mode: 'queue' | 'steer'): CommandDefinition['handler'] {
  return async (ctx: CommandContext): Promise<CommandReply> => {
    if (!ctx.args) return { text: `Usage: /${mode} <message>` };
    await ctx.services.deliver(mode, ctx.args);
    return {};
  };
}

/** /queue: run a message as the next turn, whatever the busy-input mode. */
export const queueCommand: CommandDefinition = {
  name: 'queue',
  argsHint: '<message>',
  description: 'Queue a message as the next turn',
  busyAllowed: true,
  handler: deliverAs('queue'),
};

/** /steer: hand a message to the running agent, whatever the busy-input mode. */
export const steerCommand: CommandDefinition = {
  name: 'steer',
  argsHint: '<message>',
  description: 'Steer the running task with a message',
  busyAllowed: true,
  handler: deliverAs('steer'),
};

function resolveApproval(approved: boolean): CommandDefinition['handler'] {
  return async (ctx) => {
    const session = await ctx.services.session();
    if (!session?.context.pendingApproval) return { text: 'Nothing is waiting for approval.' };
    await ctx.services.send({ type: 'APPROVAL.RESOLVE', approved });
    return {};
  };
}

/** /approve: run the pending dangerous command. */
export const approveCommand: CommandDefinition = {
  name: 'approve',
  description: 'Approve the pending dangerous command',
  busyAllowed: true,
  handler: resolveApproval(true),
};

/** /deny: refuse the pending dangerous command. */
export const denyCommand: CommandDefinition = {
  name: 'deny',
  description: 'Deny the pending dangerous command',
  busyAllowed: true,
  handler: resolveApproval(false),
};

/** /new (/reset): start a new conversation. */
export const newCommand: CommandDefinition = {
  name: 'new',
  aliases: ['reset'],
  description: 'Start a new conversation (the old one stays for /resume)',
  busyAllowed: false,
  async handler(ctx) {
    await ctx.services.send({ type: 'SESSION.RESET', reason: 'manual' });
    return { text: '🆕 New conversation started. /resume lists the earlier ones.' };
  },
};

/** /title [name]: show or set the title of the current conversation. */
export const titleCommand: CommandDefinition = {
  name: 'title',
  argsHint: '[name]',
  description: 'Show or set the title of this conversation',
  busyAllowed: true,
  async handler(ctx) {
    const session = await ctx.services.session();
    const current = session ? session.context.titles[session.context.conversationId] : undefined;
    if (!ctx.args)
      return {
        text: current ? `Title: ${current}` : 'This conversation has no title. /title <name> sets one.',
      };
    if (ctx.args.length > 100) return { text: 'A title has at most 100 characters.' };
    await ctx.services.send({ type: 'SESSION.TITLE', title: ctx.args });
    return { text: `📝 Title set: ${ctx.args}` };
  },
};

/** /resume [name]: list earlier conversations, or continue one by title or number. */
export const resumeCommand: CommandDefinition = {
  name: 'resume',
  argsHint: '[name or number]',
  description: 'List earlier conversations or continue one',
  busyAllowed: false,
  async handler(ctx) {
    const session = await ctx.services.session();
    const all = await ctx.services.conversations();
    const current = session?.context.conversationId;
    const earlier = all.filter((c) => c.conversationId !== current);
    if (!ctx.args) {
      if (earlier.length === 0) return { text: 'There is no earlier conversation in this chat.' };
      const lines = earlier.map(
        (c) => `${c.number}. ${c.title ?? `“${c.firstMessage.slice(0, 40)}”`} — ${c.turns} turn(s)`,
      );
      return {
        text: `Earlier conversations:\n${lines.join('\n')}\n/resume <number or title> continues one.`,
      };
    }
    const wanted = ctx.args.toLowerCase();
    const match = earlier.find((c) => String(c.number) === wanted || c.title?.toLowerCase() === wanted);
    if (!match) return { text: `No earlier conversation “${ctx.args}”. /resume lists them.` };
    await ctx.services.send({ type: 'SESSION.SWITCH', conversationId: match.conversationId });
    return { text: `↩️ Resumed ${match.title ?? `conversation ${match.number}`} (${match.turns} turn(s)).` };
  },
};

/** /status: what this chat's session is doing. */
export const statusCommand: CommandDefinition = {
  name: 'status',
  description: 'Show the session: state, conversation, queue, settings',
  busyAllowed: true,
  async handler(ctx) {
    const session = await ctx.services.session();
    if (!session) return { text: 'No session yet: send a message to start one.' };
    const c = session.context;
    const usage = await ctx.services.usage(c.conversationId);
    const lines = [
      `Session: ${session.sessionKey}`,
      `State: ${session.state}`,
      `Conversation: ${c.titles[c.conversationId] ?? c.conversationId} (${usage.turns} turn(s))`,
      `Queued: ${c.queue.length}`,
      `Model: ${c.settings.model ?? 'default'}${c.settings.personality ? ` · personality ${c.settings.personality}` : ''}`,
      `Reasoning: ${c.settings.reasoning ?? 'default'} (${c.settings.showReasoning ? 'shown' : 'hidden'})`,
      `Tokens: ${usage.inputTokens} in / ${usage.outputTokens} out`,
    ];
    if (c.pendingApproval) lines.push(`Waiting for approval: ${c.pendingApproval.command}`);
    if (c.lastError) lines.push(`Last error: ${c.lastError}`);
    return { text: lines.join('\n') };
  },
};

/** /usage: tokens of this conversation. */
export const usageCommand: CommandDefinition = {
  name: 'usage',
  description: 'Tokens used in this conversation',
  busyAllowed: true,
  async handler(ctx) {
    const session = await ctx.services.session();
    if (!session) return { text: 'No usage yet.' };
    const u = await ctx.services.usage(session.context.conversationId);
    return {
      text: `📊 This conversation: ${u.turns} turn(s), ${u.inputTokens} input + ${u.outputTokens} output = ${u.inputTokens + u.outputTokens} tokens.`,
    };
  },
};

/** The last turn of a conversation: the user entries since the previous answer, and the answer. */
async function lastTurn(ctx: CommandContext) {
  const session = await ctx.services.session();
  if (!session) return undefined;
  const entries = await ctx.services.transcript(session.context.conversationId);
  // right after a compression, the last "turn" is the summary: setting it aside restores the turns it covers
  if (entries.at(-1)?.role === 'summary') {
    return { conversationId: session.context.conversationId, turn: entries.slice(-1), question: '' };
  }
  let end = entries.length - 1;
  while (end >= 0 && entries[end]!.role !== 'assistant') end--;
  if (end < 0) return undefined;
  let start = end;
  while (start > 0 && entries[start - 1]!.role !== 'assistant') start--;
  // a summary inside the turn stays: it stands for the turns before, not for this one
  const turn = entries.slice(start, end + 1).filter((e) => e.role !== 'summary');
  const question = turn
    .filter((e) => e.role === 'user')
    .map((e) => e.content)
    .join('\n\n');
  return { conversationId: session.context.conversationId, turn, question };
}

/** /undo: set the last turn aside (the agent no longer sees it; nothing is deleted). */
export const undoCommand: CommandDefinition = {
  name: 'undo',
  description: 'Drop the last turn from the conversation',
  busyAllowed: false,
  async handler(ctx) {
    const last = await lastTurn(ctx);
    if (!last) return { text: 'There is no turn to undo.' };
    if (last.turn[0]?.role === 'summary') {
      await ctx.services.setAside([last.turn[0].id], last.conversationId);
      return { text: '↩️ Undid the compression: the next run sees the full conversation again.' };
    }
    await ctx.services.setAside(
      last.turn.map((e) => e.id),
      last.conversationId,
    );
    return { text: `↩️ Dropped the last turn: “${last.question.slice(0, 80)}”` };
  },
};

/** /retry: run the last user message again (the previous answer is set aside). */
export const retryCommand: CommandDefinition = {
  name: 'retry',
  description: 'Run your last message again',
  busyAllowed: false,
  async handler(ctx) {
    const last = await lastTurn(ctx);
    if (!last?.question) return { text: 'There is no message to retry.' };
    await ctx.services.setAside(
      last.turn.map((e) => e.id),
      last.conversationId,
    );
    // a skill's turn is recorded as the command line typed: run the skill again
    const typed = parseCommand(last.question);
    const skill = typed && ctx.skill?.(typed.name);
    if (typed && skill) return skill({ ...ctx, command: typed.name, args: typed.args });
    await ctx.services.deliver('queue', last.question);
    return {};
  },
};

/** Every session command. */
export const SESSION_COMMANDS: CommandDefinition[] = [
  stopCommand,
  queueCommand,
  steerCommand,
  approveCommand,
  denyCommand,
  newCommand,
  titleCommand,
  resumeCommand,
  statusCommand,
  usageCommand,
  undoCommand,
  retryCommand,
];
