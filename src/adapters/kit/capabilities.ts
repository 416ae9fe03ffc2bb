/**
 * Capabilities from primitives: an adapter can edit because its wire has `edit`,
 * not because a flag says so. Only limits and what no primitive shows (voice,
 * images, threads, headless) are declared, so a declared capability that nothing
 * implements cannot exist.
 */
import type { AdapterCapabilities } from '../contract.ts';
import type { PlatformWire } from './wire.ts';

/**
 * The capabilities of the adapter made from `wire`.
 *
 * @example
 * capabilitiesOf({ ...wire, edit: async () => {} }).streaming; // true
 */
export function capabilitiesOf(wire: PlatformWire): AdapterCapabilities {
  const files = typeof wire.sendFile === 'function' || typeof wire.sendFiles === 'function';
  const edit = typeof wire.edit === 'function';
  const declared = wire.declares ?? {};
  return {
    voice: declared.voice === true,
    // an image can only be sent as a file
    images: declared.images === true && files,
    files,
    threads: declared.threads === true,
    reactions: typeof wire.react === 'function',
    typing: typeof wire.typing === 'function',
    streaming: edit,
    edit,
    delete: typeof wire.delete === 'function',
    reconcile: typeof wire.reconcile === 'function',
    maxMessageLength: wire.limits.maxMessageLength,
    ...(declared.headless ? { headless: true } : {}),
  };
}
