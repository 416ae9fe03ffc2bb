/**
 * Capabilities come from the primitives a wire implements: an adapter cannot
 * claim to edit, react or type without the primitive, and the runtime finds a
 * method behind every capability it is told about.
 */
import { describe, expect, it } from 'vitest';
import type { MessageRef } from '../../../src/adapters/contract.ts';
import { createAdapter } from '../../../src/adapters/kit/index.ts';
import { FilesWire, MemoryWire } from './memory-wire.ts';

class ReactingWire extends MemoryWire {
  reactions: string[] = [];
  readonly declares = { images: true, voice: true, threads: true };
  async react(_ref: MessageRef, emoji: string): Promise<void> {
    this.reactions.push(emoji);
  }
  async typing(): Promise<void> {}
}

describe('capabilities derived from primitives', () => {
  it('a wire with only sendText can do nothing more', () => {
    const adapter = createAdapter(new MemoryWire({ maxMessageLength: 2000 }));
    expect(adapter.capabilities).toEqual({
      voice: false,
      images: false,
      files: false,
      threads: false,
      reactions: false,
      typing: false,
      streaming: false,
      edit: false,
      delete: false,
      reconcile: false,
      maxMessageLength: 2000,
    });
    expect(adapter.edit).toBeUndefined();
    expect(adapter.react).toBeUndefined();
    expect(adapter.sendTyping).toBeUndefined();
  });

  it('edit turns on editing and streaming; sendFile turns on files', async () => {
    const wire = new FilesWire();
    const adapter = createAdapter(wire);
    expect(adapter.capabilities).toMatchObject({ edit: true, streaming: true, files: true, images: false });
    await adapter.edit?.({ chatId: 'c', chatType: 'dm', messageId: 'm1' }, 'new');
    expect(wire.calls).toEqual([
      { op: 'edit', ref: { chatId: 'c', chatType: 'dm', messageId: 'm1' }, text: 'new' },
    ]);
  });

  it('declared images without sendFile stay off: nothing could send them', () => {
    const adapter = createAdapter(new ReactingWire());
    expect(adapter.capabilities).toMatchObject({
      images: false,
      voice: true,
      threads: true,
      reactions: true,
      typing: true,
    });
  });

  it('every capability the runtime is told about has its method', () => {
    const methods = {
      edit: 'edit',
      delete: 'delete',
      reactions: 'react',
      typing: 'sendTyping',
      reconcile: 'reconcile',
    } as const;
    for (const wire of [new MemoryWire(), new FilesWire(), new ReactingWire()]) {
      const adapter = createAdapter(wire);
      for (const [capability, method] of Object.entries(methods)) {
        const declared = adapter.capabilities[capability as keyof typeof methods];
        expect(typeof adapter[method] === 'function', `${capability} of ${wire.constructor.name}`).toBe(
          declared,
        );
      }
    }
  });
});
