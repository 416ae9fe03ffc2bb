/**
 * Every platform the gateway can connect, in the order `hermes gateway setup`
 * shows them. Adding a platform: give it a folder with a `PlatformDefinition`
 * and list it here.
 */
import type { PlatformDefinition } from './platform-definition.ts';

/** The platform definitions (options differ per platform). */
// biome-ignore lint/suspicious/noExplicitAny: each definition reads and takes its own options type
export const PLATFORMS: readonly PlatformDefinition<any>[] = [];
