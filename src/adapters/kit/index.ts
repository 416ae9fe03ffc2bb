/**
 * The adapter kit: a platform supplies its wire (connect, primitives, error
 * classifier, settings schema); the kit makes the runtime's `Adapter` from it.
 */
export { capabilitiesOf } from './capabilities.ts';
export { type ComposeLimits, composeReply, type ReplyShape, type ReplyStep } from './compose.ts';
export { definePlatform, type PlatformSpec } from './define-platform.ts';
export {
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DownloadError,
  type DownloadOptions,
  downloadAttachment,
} from './download.ts';
export {
  errorMessage,
  type Failure,
  type FailureReason,
  failureError,
  failureReasonOf,
  httpFailure,
  isNetworkError,
  RETRYABLE,
} from './failure.ts';
export { createAdapter, KitAdapter } from './kit-adapter.ts';
export { type MentionFacts, shouldAnswer } from './mention.ts';
export {
  booleanSetting,
  type EnvField,
  type ExtraField,
  fromEnv,
  fromExtra,
  httpUrlSetting,
  readSettings,
  type SettingsFields,
  type SettingsOf,
  type SettingsSpec,
  variablesOf,
} from './settings.ts';
export type {
  FileSendOptions,
  PlatformWire,
  SendOptions,
  WireContext,
  WireDeclarations,
  WireLimits,
} from './wire.ts';
