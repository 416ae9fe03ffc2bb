/**
 * The fake workspace's people, conversations and stored messages: what the
 * fake Slack serves and what the test peer reads back.
 */
/** Ids and credentials of the fake workspace. */
export const WORKSPACE = {
  teamId: 'T0HERMES',
  teamName: 'Hermes Test',
  appId: 'A0HERMES',
  botUserId: 'UBOT0001',
  botId: 'BBOT0001',
  botName: 'hermes',
  botToken: 'xoxb-test-bot-token',
  appToken: 'xapp-1-test-app-token',
  signingSecret: 'test-signing-secret-0123456789',
  /** A user token a person's client would hold (used by the independent web-api checker). */
  userToken: 'xoxp-test-alice',
} as const;

/** A person in the workspace. */
export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
}

export const ALICE: FakeUser = {
  id: 'U0ALICE01',
  name: 'alice',
  realName: 'Alice Liddell',
  displayName: 'alice',
};
export const BOB: FakeUser = { id: 'U0BOB0001', name: 'bob', realName: 'Bob Builder', displayName: 'bob' };

/** A conversation: a DM with Alice, a public channel, a private channel. */
export interface FakeChannel {
  id: string;
  name: string;
  type: 'im' | 'channel' | 'group';
  /** For an IM, the other person. */
  user?: string;
}

export const CHANNELS: readonly FakeChannel[] = [
  { id: 'D0ALICE01', name: 'alice', type: 'im', user: ALICE.id },
  { id: 'C0GENERAL', name: 'general', type: 'channel' },
  { id: 'G0PRIVATE', name: 'secret-plans', type: 'group' },
];

/** A file stored in the workspace. */
export interface StoredFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  data: Buffer;
  /** Who uploaded it. */
  user: string;
}

/** A message stored in a conversation. */
export interface StoredMessage {
  channel: string;
  ts: string;
  user: string;
  botId?: string;
  text: string;
  threadTs?: string;
  files: StoredFile[];
  /** When each chat.update reached the fake. */
  editTimes: number[];
  deleted: boolean;
  reactions: { name: string; users: string[] }[];
}

let tsCounter = 0;

/** A fresh, increasing Slack timestamp (`seconds.micro`). */
export function nextTs(): string {
  tsCounter += 1;
  const seconds = Math.floor(Date.now() / 1000);
  return `${seconds}.${String(tsCounter % 1_000_000).padStart(6, '0')}`;
}
