/**
 * /sethome: this chat becomes its platform's home channel (kept in the store).
 */
import type { CommandDefinition } from '../registry.ts';

/** Names a chat for the user: `chat 42` or `chat 42 (thread 7)`. */
function chatName(chatId: string, threadId: string | null): string {
  return threadId ? `chat ${chatId} (thread ${threadId})` : `chat ${chatId}`;
}

/** /sethome: make this chat the platform's home channel. */
export const sethomeCommand: CommandDefinition = {
  name: 'sethome',
  description: "Make this chat the platform's home channel",
  busyAllowed: true,
  async handler(ctx) {
    const { message, services } = ctx;
    const threadId = message.threadId ?? null;
    const previous = await services.home(message.platform);
    if (previous && previous.chatId === message.chatId && previous.threadId === threadId) {
      return { text: `🏠 This chat already is the home channel of ${message.platform}.` };
    }
    await services.setHome({
      platform: message.platform,
      chatId: message.chatId,
      chatType: message.chatType,
      threadId,
      setBy: message.userId,
      setAt: services.now(),
    });
    const instead = previous ? ` (instead of ${chatName(previous.chatId, previous.threadId)})` : '';
    return { text: `🏠 This chat is now the home channel of ${message.platform}${instead}.` };
  },
};
