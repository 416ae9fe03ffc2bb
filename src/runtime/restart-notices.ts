/**
 * Restart notices: when a restart or shutdown interrupts runs in flight, each
 * platform's home channel (set with /sethome) is told once, and told again when
 * the gateway is back online, unless `gateway_restart_notification: false` for
 * that platform. The notices go through the outbox like every reply.
 */
import { queueToHomeChannel } from '../commands/home-channel.ts';
import type { Store } from '../persistence/store.ts';

/** The notice sent to home channels when a shutdown interrupts runs. */
export function restartingNotice(interrupted: number): string {
  return `⚠️ Gateway restarting — ${interrupted} task(s) in flight were interrupted. Their users can send any message after the restart to resume.`;
}

/** The notice sent to home channels when the gateway is back after interrupted runs. */
export function backOnlineNotice(interrupted: number): string {
  return `✅ Gateway back online. ${interrupted} interrupted session(s) resume when their users write again.`;
}

/**
 * Queues one notice per platform that has a home channel and wants restart
 * notices. `key` makes it one per restart: the same key is never sent twice.
 *
 * @returns the platforms notified.
 */
export async function notifyHomeChannels(opts: {
  store: Store;
  platforms: string[];
  wantsNotice: (platform: string) => boolean;
  text: string;
  key: string;
}): Promise<string[]> {
  const notified: string[] = [];
  for (const platform of opts.platforms) {
    if (!opts.wantsNotice(platform)) continue;
    if (await queueToHomeChannel(opts.store, platform, opts.text, `${opts.key}:${platform}`)) {
      notified.push(platform);
    }
  }
  return notified;
}
