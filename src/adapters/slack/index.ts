/**
 * The Slack adapter (@slack/bolt: Socket Mode or the Events API).
 */
export { slackReactionName } from './emoji-names.ts';
export { type BotIdentity, type SlackMessageLike, toInboundMessage } from './inbound-event.ts';
export { mentionsBot, stripBotMention } from './mention.ts';
export { parseSlackMessageId, slackMessageId } from './message-id.ts';
export { escapeMrkdwn, SLACK_SPLIT_LENGTH, SLACK_TEXT_LIMIT, slackTextParts } from './mrkdwn-text.ts';
export { SlackAdapter, SlackWire } from './slack-adapter.ts';
export { classifySlackError, FATAL_AUTH_ERRORS, SLACK_PLATFORM, toAdapterError } from './slack-errors.ts';
export {
  type ResolvedSlackOptions,
  resolveSlackOptions,
  SLACK_DEFAULTS,
  SLACK_EVENTS_PATH,
  type SlackMode,
  type SlackOptions,
} from './slack-options.ts';
export { readSlackOptions, slackPlatform } from './slack-platform.ts';
