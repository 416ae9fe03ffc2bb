/**
 * The kit's lifecycle, once for every adapter: start connects, stop closes,
 * a stop while connecting leaves nothing open, the gateway's abort stops the
 * adapter, and a stopped adapter starts again.
 */
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../../../src/adapters/kit/index.ts';
import { GatewayError } from '../../../src/errors.ts';
import { MemoryWire, recordingContext } from './memory-wire.ts';

describe('the kit lifecycle', () => {
  it('hands inbound messages to the gateway once started, and closes the wire on stop', async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    const t = recordingContext();
    await adapter.start(t.ctx);
    await wire.deliver('hello');
    expect(t.ingested.map((m) => m.text)).toEqual(['hello']);
    await adapter.stop();
    expect(wire.disconnects).toBe(1);
    expect(wire.ctx?.signal.aborted ?? true).toBe(true);
  });

  it('refuses a second start while running', async () => {
    const adapter = createAdapter(new MemoryWire());
    await adapter.start(recordingContext().ctx);
    await expect(adapter.start(recordingContext().ctx)).rejects.toMatchObject({ code: 'GATEWAY_ERR_STATE' });
    await adapter.stop();
  });

  it('a stop while connecting fails the start and leaves nothing open', async () => {
    const wire = new MemoryWire();
    let open!: () => void;
    wire.gate = new Promise((r) => {
      open = r;
    });
    const adapter = createAdapter(wire);
    const starting = adapter.start(recordingContext().ctx);
    const stopping = adapter.stop();
    open();
    await expect(starting).rejects.toBeInstanceOf(GatewayError);
    await stopping;
    expect(wire.connects).toBe(1);
    expect(wire.disconnects).toBe(1);
    expect(adapter.running).toBe(false);
  });

  it("stops when the gateway aborts the context's signal", async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    const t = recordingContext();
    await adapter.start(t.ctx);
    t.controller.abort();
    await adapter.stop(); // waits for the stop the abort began
    expect(wire.disconnects).toBe(1);
    expect(adapter.running).toBe(false);
  });

  it('starts again after a stop, with a fresh connection', async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    const first = recordingContext();
    await adapter.start(first.ctx);
    await adapter.stop();
    const second = recordingContext();
    await adapter.start(second.ctx);
    await wire.deliver('again');
    expect(second.ingested.map((m) => m.text)).toEqual(['again']);
    expect(first.ingested).toEqual([]);
    expect(wire.connects).toBe(2);
    await adapter.stop();
  });

  it('a failed connect is a classified adapter error, and the adapter can start again', async () => {
    const wire = new MemoryWire();
    const adapter = createAdapter(wire);
    wire.connect = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    await expect(adapter.start(recordingContext().ctx)).rejects.toMatchObject({
      retryable: true,
      details: { reason: 'network' },
    });
    expect(adapter.running).toBe(false);
    expect(wire.disconnects).toBe(0);
  });
});
