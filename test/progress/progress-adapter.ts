/**
 * A memory adapter that can edit and delete, and records every edit and
 * delete with the time it was asked for, for the tool-progress tests.
 */
import type { AdapterCapabilities, MessageRef, SendResult } from '../../src/adapters/contract.ts';
import { MemoryAdapter } from '../support/memory-adapter.ts';

/** One recorded edit. */
export interface RecordedEdit {
  messageId: string;
  text: string;
  /** `Date.now()` when the edit was asked for. */
  at: number;
}

/**
 * `MemoryAdapter` with `edit` and `delete` (unless turned off in `capabilities`).
 *
 * @example
 * const chat = new ProgressAdapter({ name: 'chat' });
 */
export class ProgressAdapter extends MemoryAdapter {
  /** Edits asked for, in order. */
  readonly edits: RecordedEdit[] = [];
  /** Message ids deleted, in order. */
  readonly deleted: string[] = [];
  /** The text each sent message shows now (after edits), by platform id. */
  readonly shown = new Map<string, string>();
  /** The platform id of each delivered message, in the order of `sent`. */
  readonly ids: string[] = [];
  /** Every send, edit and delete in order: `send <key>`, `edit <id>`, `delete <id>`. */
  readonly events: string[] = [];

  constructor(options: { name?: string; capabilities?: Partial<AdapterCapabilities> } = {}) {
    super({
      name: options.name ?? 'chat',
      capabilities: { edit: true, delete: true, ...options.capabilities },
    });
    if (!this.capabilities.edit) this.edit = undefined;
    if (!this.capabilities.delete) this.delete = undefined;
  }

  override async send(message: Parameters<MemoryAdapter['send']>[0]): Promise<SendResult> {
    const result = await super.send(message);
    const id = result.platformMessageId!;
    this.events.push(`send ${message.idempotencyKey}`);
    this.ids.push(id);
    this.shown.set(id, message.text);
    return result;
  }

  edit?: (ref: MessageRef, text: string) => Promise<void> = async (ref, text) => {
    this.edits.push({ messageId: ref.messageId, text, at: Date.now() });
    this.events.push(`edit ${ref.messageId}`);
    this.shown.set(ref.messageId, text);
  };

  delete?: (ref: MessageRef) => Promise<void> = async (ref) => {
    this.deleted.push(ref.messageId);
    this.events.push(`delete ${ref.messageId}`);
    this.shown.delete(ref.messageId);
  };

  /** Platform ids of the progress messages sent, in order. */
  progressIds(): string[] {
    return this.sent.flatMap((m, i) => (m.idempotencyKey.includes(':progress:') ? [this.ids[i]!] : []));
  }

  /** What the progress messages show now, in order (deleted ones left out). */
  progressTexts(): string[] {
    return this.progressIds().flatMap((id) => (this.shown.has(id) ? [this.shown.get(id)!] : []));
  }

  /** Texts of the messages that are not progress (replies, command answers). */
  replies(): string[] {
    return this.sent.filter((m) => !m.idempotencyKey.includes(':progress:')).map((m) => m.text);
  }
}
