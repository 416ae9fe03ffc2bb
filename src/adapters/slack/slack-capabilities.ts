/**
 * What the Slack adapter can do (FEATURES.md §1), plus editing and deleting
 * its messages (`chat.update`, `chat.delete`).
 *
 * Typing is off: Slack has no typing indicator for bots of Events API apps
 * (`assistant.threads.setStatus` works only in assistant threads), so the
 * adapter declares none rather than fake one.
 */
import { type AdapterCapabilities, NO_CAPABILITIES } from '../contract.ts';
import { SLACK_TEXT_LIMIT } from './mrkdwn-text.ts';

/** The Slack adapter's capabilities. */
export const SLACK_CAPABILITIES: AdapterCapabilities = {
  ...NO_CAPABILITIES,
  voice: true,
  images: true,
  files: true,
  threads: true,
  reactions: true,
  typing: false,
  streaming: true,
  edit: true,
  delete: true,
  reconcile: false,
  maxMessageLength: SLACK_TEXT_LIMIT,
};
