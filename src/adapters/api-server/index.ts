/**
 * The OpenAI-compatible API server adapter.
 */
export {
  API_SERVER_CAPABILITIES,
  API_SERVER_DEFAULTS,
  type ApiServerAdapter,
  type ApiServerOptions,
  createApiServerAdapter,
} from './api-server-adapter.ts';
export { assertApiKey, createBearerChecker, MIN_API_KEY_LENGTH } from './auth.ts';
export { IDEMPOTENCY_HEADER, SESSION_HEADER } from './chat-completions.ts';
export { API_PLATFORM, toInboundMessage } from './inbound-message.ts';
export {
  type OpenAIErrorBody,
  type OpenAIErrorType,
  type OpenAIProblem,
  openAIErrorBody,
} from './openai-errors.ts';
export {
  type ChatCompletionRequest,
  chatCompletionRequestSchema,
  SESSION_ID_PATTERN,
} from './request-schema.ts';
