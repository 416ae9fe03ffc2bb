/**
 * The adapter link: the gateway machine's child for one platform adapter
 * (`adapter:<name>`). It starts the adapter (after a backoff on restarts),
 * reports `CHILD.UP`, turns a failed start or a later failure into
 * `CHILD.FAILED` with the time, and stops the adapter when the link stops.
 */
import { fromCallback } from 'xstate';
import type { Adapter, InboundMessage, IngestResult } from '../adapters/contract.ts';
import type { ChildInput, GatewayEvent } from '../machines/gateway.ts';
import { errorText, type RuntimeLogger } from '../runtime/logger.ts';

/** Backoff before restart `attempt` (0 = first start): 0, 250 ms, 500 ms, ... up to 30 s. */
export function linkBackoffMs(attempt: number): number {
  return attempt === 0 ? 0 : Math.min(30_000, 250 * 2 ** (attempt - 1));
}

/** What adapter links need from the runtime. */
export interface AdapterLinkDeps {
  adapters: ReadonlyMap<string, Adapter>;
  ingest: (message: InboundMessage) => Promise<IngestResult>;
  log: RuntimeLogger;
  now: () => number;
  /** Told when an adapter comes up or goes down (the outbox sends only to live adapters). */
  setUp: (name: string, up: boolean) => void;
}

/**
 * Creates the `adapterLink` actor logic.
 *
 * @example
 * gatewayMachine.provide({ actors: { adapterLink: createAdapterLinkLogic(deps) } })
 */
export function createAdapterLinkLogic(deps: AdapterLinkDeps) {
  /** The failure route of each adapter's current link. */
  const failureRoutes = new Map<string, (error: Error) => void>();
  /** The stop of each adapter's previous link, awaited before it starts again. */
  const stopping = new Map<string, Promise<void>>();
  for (const [name, adapter] of deps.adapters) {
    adapter.onFailure?.((error) => failureRoutes.get(name)?.(error));
  }

  const logic = fromCallback<GatewayEvent, ChildInput>(({ input, sendBack }) => {
    const name = input.id.slice('adapter:'.length);
    const adapter = deps.adapters.get(name);
    const log = deps.log.child({ platform: name });
    let active = true;
    const controller = new AbortController();
    const fail = (error: unknown) => {
      if (!active) return;
      active = false;
      deps.setUp(name, false);
      sendBack({ type: 'CHILD.FAILED', id: input.id, error: errorText(error), at: deps.now() });
    };
    failureRoutes.set(name, fail);
    const timer = setTimeout(async () => {
      await stopping.get(name);
      if (!active) return;
      if (!adapter) return fail(new Error(`No adapter named ${name}`));
      try {
        await adapter.start({ ingest: deps.ingest, log, signal: controller.signal });
        if (!active) return;
        deps.setUp(name, true);
        log.info({ attempt: input.attempt }, 'Adapter connected');
        sendBack({ type: 'CHILD.UP', id: input.id });
      } catch (error) {
        log.error({ err: errorText(error), attempt: input.attempt }, 'Adapter failed to start');
        fail(error);
      }
    }, linkBackoffMs(input.attempt));
    return () => {
      clearTimeout(timer);
      const wasActive = active;
      active = false;
      controller.abort();
      deps.setUp(name, false);
      if (failureRoutes.get(name) === fail) failureRoutes.delete(name);
      if (adapter && wasActive) {
        stopping.set(
          name,
          adapter.stop().catch((error) => log.warn({ err: errorText(error) }, 'Adapter stop failed')),
        );
      }
    };
  });
  /** Resolves when every adapter stop started by a link has finished. */
  const settle = async () => {
    await Promise.all(stopping.values());
  };
  return Object.assign(logic, { settle });
}
