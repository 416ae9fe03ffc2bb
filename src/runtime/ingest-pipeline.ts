/**
 * The ingest pipeline: the path of one inbound message up to its session.
 *
 * 1. the gateway must be running (or draining);
 * 2. a paused platform drops it (except `/platform`, so it can be resumed from the chat);
 * 3. the access gate (allowlists, pairing) runs before anything is stored;
 * 4. its files are stored, then the inbox row commits (deduplicated);
 * 5. it is decided once whether it is a slash command or a message, and the
 *    session directory gets either the command (run in arrival order) or the message.
 *
 * The same decision serves the rows a restart left accepted (`commandOf`).
 */
import type { AccessControl } from '../access/access-control.ts';
import type { CommandRun, SessionDirectory } from '../actors/session-directory.ts';
import type { Adapter, InboundMessage, IngestResult } from '../adapters/contract.ts';
import type { Transcriber } from '../agent/transcribe.ts';
import { type ParsedCommand, parseCommand } from '../commands/registry.ts';
import { GatewayError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import { storeInboundMedia } from '../media/inbound-media.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { InboxRow, Store } from '../persistence/store.ts';
import { type SessionKeyPolicy, sessionKeyOf } from './session-key.ts';

/** What the pipeline needs. */
export interface IngestPipelineDeps {
  /** The store (its outbox wakes the sender). */
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  log: RuntimeLogger;
  now: () => number;
  sessionKeys: SessionKeyPolicy;
  /** Whether the gateway takes messages now (running or draining). */
  isOpen: () => boolean;
  /** Whether a platform's inbound messages are dispatched (its breaker: not paused, not tripped). */
  isDispatching: (platform: string) => boolean;
  /** The access gate; absent: every message is allowed. */
  access?: Pick<AccessControl, 'authorize'> | undefined;
  media: MediaStore;
  transcribe?: Transcriber | undefined;
  downloadTimeoutMs?: number | undefined;
  directory: Pick<SessionDirectory, 'deliver' | 'command'>;
  /** Runs a parsed slash command whose inbox row is `row`. */
  runCommand: (row: InboxRow, command: ParsedCommand) => Promise<void>;
}

/**
 * Takes inbound messages in.
 *
 * @example
 * const pipeline = new IngestPipeline(deps);
 * await pipeline.ingest({ platform: 'api', chatType: 'dm', chatId: '1', userId: 'u', text: 'hi', platformMessageId: 'm1' });
 */
export class IngestPipeline {
  readonly #deps: IngestPipelineDeps;

  constructor(deps: IngestPipelineDeps) {
    this.#deps = deps;
  }

  /** Accepts a message durably and hands it on. Resolves after the inbox row committed. */
  ingest = async (incoming: InboundMessage): Promise<IngestResult> => {
    const { store, log } = this.#deps;
    if (!this.#deps.isOpen()) {
      throw new GatewayError(
        'GATEWAY_ERR_STATE',
        'The gateway is not running; start() it before ingesting messages',
      );
    }
    const sessionKey = sessionKeyOf(incoming, this.#deps.sessionKeys);
    if (!this.#deps.isDispatching(incoming.platform) && parseCommand(incoming.text)?.name !== 'platform') {
      // paused (by the operator or the breaker): the platform is acknowledged, nothing is dispatched
      log.info(
        { platform: incoming.platform, platformMessageId: incoming.platformMessageId },
        `Inbound message dropped: ${incoming.platform} is paused`,
      );
      return { inboxId: -1, duplicate: false, sessionKey, refused: 'ignore' };
    }
    const access = this.#deps.access;
    if (access) {
      // default deny: the gate runs before anything is stored, on every message (idle or busy session)
      const decision = await access.authorize(incoming);
      if (decision.kind !== 'allow') {
        if (decision.kind === 'pair') await this.#sendPairingReply(incoming, sessionKey, decision.reply);
        return { inboxId: -1, duplicate: false, sessionKey, refused: decision.kind };
      }
      if (decision.notice) await this.#notice(incoming, sessionKey, decision.notice);
    }
    // files are stored before the inbox commit: the row holds references, a failed download a note
    const message = await storeInboundMedia(incoming, {
      media: this.#deps.media,
      adapter: this.#deps.adapters.get(incoming.platform),
      log,
      ...(this.#deps.transcribe ? { transcribe: this.#deps.transcribe } : {}),
      ...(this.#deps.downloadTimeoutMs ? { downloadTimeoutMs: this.#deps.downloadTimeoutMs } : {}),
    });
    const { id, duplicate } = await store.inbox.accept(message, sessionKey);
    if (duplicate) {
      log.info(
        { platform: message.platform, platformMessageId: message.platformMessageId },
        'Duplicate message ignored',
      );
    } else {
      // no await between the commit and the hand-off: a session's rows reach the directory in id order
      this.#handOff({
        id,
        platform: message.platform,
        platformMessageId: message.platformMessageId,
        sessionKey,
        message,
        status: 'accepted',
        receivedAt: this.#deps.now(),
      }).catch(() => {}); // the directory logs its own failures; the row stays in the inbox
    }
    return { inboxId: id, duplicate, sessionKey };
  };

  /** The one decision "command or message" for an accepted row: the command to run, or undefined. */
  commandOf = (row: InboxRow): CommandRun | undefined => {
    const command = parseCommand(row.message.text);
    return command ? (r) => this.#deps.runCommand(r, command) : undefined;
  };

  #handOff(row: InboxRow): Promise<void> {
    const command = this.commandOf(row);
    return command ? this.#deps.directory.command(row, command) : this.#deps.directory.deliver(row);
  }

  /**
   * The pairing code goes straight to the adapter, never through the outbox or the
   * transcript: only its salted hash may be stored.
   */
  async #sendPairingReply(message: InboundMessage, sessionKey: string, text: string): Promise<void> {
    try {
      await this.#deps.adapters.get(message.platform)?.send({
        chatId: message.chatId,
        chatType: message.chatType,
        ...(message.threadId ? { threadId: message.threadId } : {}),
        text,
        inReplyTo: [message.platformMessageId],
        idempotencyKey: `pairing:${message.platform}:${message.platformMessageId}`,
        sessionKey,
      });
    } catch (error) {
      this.#deps.log.warn(
        { platform: message.platform, err: errorText(error) },
        'The pairing reply could not be sent',
      );
    }
  }

  /** A notice of the access gate (e.g. "you were approved"), through the outbox. */
  async #notice(message: InboundMessage, sessionKey: string, text: string): Promise<void> {
    await this.#deps.store.outbox.enqueue(message.platform, {
      chatId: message.chatId,
      chatType: message.chatType,
      ...(message.threadId ? { threadId: message.threadId } : {}),
      text,
      inReplyTo: [],
      idempotencyKey: `access-notice:${message.platform}:${message.platformMessageId}`,
      sessionKey,
    });
  }
}
