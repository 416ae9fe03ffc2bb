/** The subscribers of a gateway (`gateway.subscribe()`): a throwing observer is logged, never fatal. */
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type { GatewayObservation } from './gateway-api.ts';

/**
 * The gateway's observers.
 *
 * @example
 * const observers = new Observers(log);
 * const off = observers.subscribe((o) => console.log(o.type));
 * observers.emit({ type: 'platform', platform: view });
 */
export class Observers {
  readonly #listeners = new Set<(o: GatewayObservation) => void>();
  readonly #log: RuntimeLogger;

  constructor(log: RuntimeLogger) {
    this.#log = log;
  }

  /** Tells every observer. */
  emit = (observation: GatewayObservation): void => {
    for (const listener of this.#listeners) {
      try {
        listener(observation);
      } catch (error) {
        this.#log.warn({ err: errorText(error) }, 'A gateway observer threw');
      }
    }
  };

  /** Adds an observer; returns its unsubscribe function. */
  subscribe(listener: (o: GatewayObservation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
