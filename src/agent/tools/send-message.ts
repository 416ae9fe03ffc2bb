/**
 * The `send_message` tool: the agent sends a text to another chat, or to the
 * home channel of any connected platform ("tell the team channel the build is
 * green"). The message goes through the durable outbox with one idempotency
 * key per tool call of the turn, so a turn resumed after a restart does not
 * send it twice.
 */
import type { ChatType } from '../../adapters/contract.ts';
import { readHomeChannel } from '../../commands/home-channel.ts';
import type { Store } from '../../persistence/store.ts';
import type { Tool, ToolContext } from '../agent.ts';
import { type MessageTarget, parseMessageTarget, TARGET_FORMS } from './message-target.ts';
import { SendMessageError } from './send-message-error.ts';

/** The tool's name. */
export const SEND_MESSAGE_TOOL_NAME = 'send_message';

/** A platform the gateway runs. */
export interface ConnectedPlatform {
  name: string;
  /** Nobody reads its chats (the API server): nothing can be sent there. */
  headless?: boolean;
}

/** Options of the send_message tool. */
export interface SendMessageToolOptions {
  store: Pick<Store, 'outbox' | 'meta'>;
  /** The platforms the gateway runs now. */
  platforms: () => readonly ConnectedPlatform[];
  /**
   * The turn the run answers (`RunInfo.turnId`): with the tool call's id it makes
   * the idempotency key, the same for a run that resumes the turn.
   */
  turnId: string;
  /** The session the message is sent for (kept on the outbox row). */
  sessionKey: string;
}

type Chat = { platform: string; chatType: ChatType; chatId: string; threadId?: string | undefined };

function text(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The target from `target`, or from `platform` + `chat_id` (+ `chat_type`, `thread_id`). */
function targetOf(args: Record<string, unknown>): MessageTarget {
  const written = text(args, 'target');
  if (written) return parseMessageTarget(written);
  const platform = text(args, 'platform');
  const chatId = text(args, 'chat_id');
  if (!platform) throw new SendMessageError(`Say where to send it. ${TARGET_FORMS}`);
  if (!chatId) return { kind: 'home', platform };
  const threadId = text(args, 'thread_id');
  return parseMessageTarget(
    [platform, text(args, 'chat_type') ?? 'dm', chatId, ...(threadId ? [threadId] : [])].join(':'),
  );
}

/** The chat of a target on a connected platform; throws what the model must change. */
async function resolve(
  target: MessageTarget,
  options: SendMessageToolOptions,
): Promise<{ chat: Chat; where: string }> {
  const platforms = options.platforms();
  const platform = platforms.find((p) => p.name === target.platform);
  const usable = platforms.filter((p) => !p.headless).map((p) => p.name);
  const list = usable.length > 0 ? usable.join(', ') : 'none';
  if (!platform) {
    throw new SendMessageError(
      `The platform "${target.platform}" is not connected. Connected platforms: ${list}.`,
      { platform: target.platform },
    );
  }
  if (platform.headless) {
    throw new SendMessageError(
      `Nothing can be sent to "${target.platform}": its clients only get answers to their own requests. Connected platforms: ${list}.`,
      { platform: target.platform },
    );
  }
  if (target.kind === 'chat') {
    const { kind: _kind, ...chat } = target;
    const thread = chat.threadId ? `:${chat.threadId}` : '';
    return { chat, where: `${chat.platform}:${chat.chatType}:${chat.chatId}${thread}` };
  }
  const home = await readHomeChannel(options.store.meta, target.platform);
  if (!home) {
    throw new SendMessageError(
      `${target.platform} has no home channel. Someone must send /sethome in the chat that should be it, ` +
        'or give the chat as "<platform>:<chatType>:<chatId>".',
      { platform: target.platform },
    );
  }
  return {
    chat: {
      platform: home.platform,
      chatType: home.chatType,
      chatId: home.chatId,
      threadId: home.threadId ?? undefined,
    },
    where: `the home channel of ${target.platform}`,
  };
}

/**
 * Creates the send_message tool for one run.
 *
 * @example
 * const tool = createSendMessageTool({ store, platforms: () => [{ name: 'telegram' }], turnId: 'telegram:dm:42/1@7', sessionKey: 'telegram:dm:42' });
 * await tool.execute({ target: 'home:telegram', text: 'Build is green' }, ctx); // 'Sent to the home channel of telegram.'
 */
export function createSendMessageTool(options: SendMessageToolOptions): Tool {
  let calls = 0;
  return {
    name: SEND_MESSAGE_TOOL_NAME,
    description:
      'Send a text message to another chat or to the home channel of a connected platform (not needed to ' +
      'answer the current chat: your reply goes there by itself). ' +
      TARGET_FORMS,
    parameters: {
      type: 'object',
      properties: {
        target: {
          type: 'string',
          description: '"home:<platform>" or "<platform>:<chatType>:<chatId>[:<threadId>]"',
        },
        platform: {
          type: 'string',
          description: 'Instead of target: the platform (its home channel without chat_id).',
        },
        chat_id: { type: 'string', description: 'Instead of target: the chat id on that platform.' },
        chat_type: { type: 'string', enum: ['dm', 'group', 'channel', 'thread'], description: 'Default dm.' },
        thread_id: { type: 'string' },
        text: { type: 'string', description: 'The message to send.' },
      },
      required: ['text'],
      additionalProperties: false,
    },
    async execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string> {
      const body = text(args, 'text');
      if (!body) throw new SendMessageError('The message text is empty; give the text to send.');
      const { chat, where } = await resolve(targetOf(args), options);
      const callId = ctx.callId ?? `call${++calls}`;
      await options.store.outbox.enqueue(chat.platform, {
        chatId: chat.chatId,
        chatType: chat.chatType,
        ...(chat.threadId ? { threadId: chat.threadId } : {}),
        text: body,
        inReplyTo: [],
        idempotencyKey: `send_message:${options.turnId}:${callId}`,
        sessionKey: options.sessionKey,
      });
      return `Sent to ${where}.`;
    },
  };
}
