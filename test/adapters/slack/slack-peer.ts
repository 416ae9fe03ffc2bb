/**
 * The human side of the contract suite: a person using the fake Slack. In a
 * channel people address the bot by mentioning it, as they do in Slack; a
 * Slack client escapes `&`, `<` and `>` in what a person types.
 */
import { escapeMrkdwn, unescapeMrkdwn } from '../../../src/adapters/slack/mrkdwn-text.ts';
import type { PeerChat, PeerFile, PlatformPeer, SeenMessage } from '../contract/adapter-contract.ts';
import type { FakeSlack } from './fake/fake-slack.ts';
import { WORKSPACE } from './fake/workspace.ts';

/** The kind of a file as the peer names it. */
function peerKind(mimetype: string): PeerFile['kind'] {
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('audio/')) return 'voice';
  return 'file';
}

/** A peer speaking to the fake Slack. */
export function createSlackPeer(fake: FakeSlack): PlatformPeer {
  return {
    async userSends(chat: PeerChat, text: string, file?: PeerFile): Promise<string> {
      const typed = escapeMrkdwn(text);
      const { ts } = await fake.userPosts({
        channel: chat.id,
        text: chat.kind === 'group' ? `<@${WORKSPACE.botUserId}> ${typed}` : typed,
        ...(chat.threadId ? { threadTs: chat.threadId } : {}),
        ...(file ? { file: { name: file.fileName, mimetype: file.mimeType, data: file.data } } : {}),
      });
      return `${chat.id}:${ts}`;
    },
    async selfSends(chat: PeerChat, text: string): Promise<void> {
      fake.echoBotPost(chat.id, text);
    },
    async redeliver(chat: PeerChat, platformMessageId: string): Promise<void> {
      const ts = platformMessageId.slice(platformMessageId.lastIndexOf(':') + 1);
      fake.redeliver(chat.id, ts);
    },
    async botMessages(chat: PeerChat): Promise<SeenMessage[]> {
      return fake.botMessages(chat.id).map((m) => ({
        id: `${m.channel}:${m.ts}`,
        text: unescapeMrkdwn(m.text),
        ...(m.threadTs ? { threadId: m.threadTs } : {}),
        editTimes: [...m.editTimes],
        files: m.files.map((f) => ({
          kind: peerKind(f.mimetype),
          fileName: f.name,
          mimeType: f.mimetype,
          data: f.data,
        })),
      }));
    },
  };
}
