/**
 * The contract harness of the Email adapter: a fresh bot mailbox on the shared
 * Dovecot, an SMTP receiver, and alice as the peer writing real MIME.
 */

import { EmailAdapter } from '../../../src/adapters/email/index.ts';
import type {
  ContractHarness,
  PeerChat,
  PeerFile,
  PlatformPeer,
  SeenMessage,
} from '../contract/adapter-contract.ts';
import type { Dovecot } from './dovecot.ts';
import { ALICE, createMailWorld, type MailWorld, rootOf } from './mail-world.ts';

/** The peer: alice writes to the bot; the bot's mail is read from the receiver. */
export function emailPeer(world: MailWorld): PlatformPeer {
  let n = 0;
  return {
    async userSends(chat: PeerChat, text: string, file?: PeerFile) {
      n++;
      return world.send({
        from: `Alice Example <${chat.id}>`,
        subject: chat.threadId ? 'Re: Thread topic' : `Note ${n}`,
        text,
        ...(chat.threadId ? { inReplyTo: chat.threadId, references: [chat.threadId] } : {}),
        ...(file
          ? { attachments: [{ filename: file.fileName, content: file.data, contentType: file.mimeType }] }
          : {}),
      });
    },
    async selfSends(_chat: PeerChat, text: string) {
      await world.send({
        from: `Hermes <${world.botAddress}>`,
        to: world.botAddress,
        subject: 'Note to self',
        text,
      });
    },
    async redeliver(_chat: PeerChat, platformMessageId: string) {
      const raw = world.delivered.get(platformMessageId);
      if (!raw) throw new Error(`no mail ${platformMessageId} was delivered`);
      await world.deliver(raw);
    },
    async botMessages(chat: PeerChat): Promise<SeenMessage[]> {
      return world.sent
        .filter((s) => s.rcpt.includes(chat.id.toLowerCase()))
        .map((s) => ({
          id: s.mail.messageId ?? '',
          text: (s.mail.text ?? '').trim(),
          threadId: rootOf(s.mail),
          editTimes: [],
          files: s.mail.attachments.map((a) => ({
            kind: a.contentType.startsWith('image/') ? ('image' as const) : ('file' as const),
            fileName: a.filename ?? '',
            mimeType: a.contentType,
            data: a.content,
          })),
        }));
    },
  };
}

/** Builds a contract harness on `dovecot`. */
export async function createEmailHarness(dovecot: Dovecot): Promise<ContractHarness> {
  const world = await createMailWorld(dovecot);
  return {
    adapter: new EmailAdapter(world.options()),
    peer: emailPeer(world),
    dm: { kind: 'dm', id: ALICE },
    thread: { kind: 'dm', id: ALICE, threadId: '<thread-root-1@example.test>' },
    editIntervalMs: 1000,
    close: () => world.close(),
  };
}
