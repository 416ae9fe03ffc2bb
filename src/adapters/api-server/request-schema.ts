/**
 * The shape of `POST /v1/chat/completions` bodies and of the API server's
 * request headers, validated with zod. Fields the gateway does not use
 * (temperature, tools, ...) are accepted and ignored.
 */
import { z } from 'zod';

/** One text part of a multi-part message content. */
export const textPartSchema = z.object({
  type: z.literal('text', { error: 'only text and image_url parts are supported' }),
  text: z.string({ error: 'text must be a string' }),
});

/** One image part: an http(s) URL or a `data:image/...;base64,` URL (a bare string URL is accepted too). */
export const imagePartSchema = z.object({
  type: z.literal('image_url', { error: 'only text and image_url parts are supported' }),
  image_url: z.union(
    [
      z.string(),
      z.object({ url: z.string({ error: 'image_url.url must be a string' }), detail: z.string().nullish() }),
    ],
    { error: 'image_url must be { url: "https://..." or "data:image/png;base64,..." }' },
  ),
});

/** One part of a multi-part message content. */
export const contentPartSchema = z.union([textPartSchema, imagePartSchema], {
  error: 'a content part must be { type: "text", text } or { type: "image_url", image_url: { url } }',
});

/** Roles a chat message may have. */
export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool', 'developer'] as const;

/** One message of the request's conversation. */
export const chatMessageSchema = z.object({
  role: z.enum(CHAT_ROLES, { error: `role must be one of ${CHAT_ROLES.join(', ')}` }),
  content: z.union([z.string(), z.array(contentPartSchema)], {
    error:
      'content must be a string or an array of { type: "text", text } and { type: "image_url", image_url: { url } } parts',
  }),
});

/** A `POST /v1/chat/completions` body. */
export const chatCompletionRequestSchema = z
  .object(
    {
      model: z.string({ error: 'model must be a string' }),
      messages: z
        .array(chatMessageSchema, { error: 'messages must be an array of messages' })
        .min(1, { error: 'messages must hold at least one message' }),
      stream: z.boolean({ error: 'stream must be a boolean' }).nullish(),
      stream_options: z
        .object({ include_usage: z.boolean({ error: 'include_usage must be a boolean' }).nullish() })
        .nullish(),
    },
    { error: 'the body must be a JSON object with model and messages' },
  )
  .superRefine((request, ctx) => {
    const last = request.messages.length - 1;
    const message = request.messages[last];
    if (message === undefined) return;
    if (message.role !== 'user') {
      ctx.addIssue({
        code: 'custom',
        path: ['messages', last, 'role'],
        message: `the last message must come from the user (got ${message.role})`,
      });
    } else if (contentText(message.content).trim() === '' && imageUrls(message.content).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['messages', last, 'content'],
        message: 'the last user message has no text and no image',
      });
    }
  });

/** A validated `POST /v1/chat/completions` body. */
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** One validated message of a request. */
export type ChatCompletionMessage = ChatCompletionRequest['messages'][number];

/** The text of a message content: the string itself, or its text parts joined by newlines. */
export function contentText(content: ChatCompletionMessage['content']): string {
  if (typeof content === 'string') return content;
  return content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

/** The URLs of a message content's image parts, each with its index among the parts. */
export function imageUrls(content: ChatCompletionMessage['content']): { index: number; url: string }[] {
  if (typeof content === 'string') return [];
  return content.flatMap((part, index) =>
    part.type === 'image_url'
      ? [{ index, url: typeof part.image_url === 'string' ? part.image_url : part.image_url.url }]
      : [],
  );
}

/** Result of validating a request body: the value, or what is wrong and where. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string; param: string | null };

/**
 * Validates a chat completion body and names the first problem with its
 * dotted path (e.g. `messages.1.role: ...`).
 */
export function parseChatCompletionRequest(body: unknown): ParseResult<ChatCompletionRequest> {
  const result = chatCompletionRequestSchema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  const reason = issue?.message ?? 'invalid request body';
  return {
    ok: false,
    message: param === null ? `Invalid request body: ${reason}` : `Invalid request body: ${param}: ${reason}`,
    param,
  };
}

/** Valid values of the `X-Hermes-Session-Id` header. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Valid values of the `Idempotency-Key` header: 1–256 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,256}$/;
