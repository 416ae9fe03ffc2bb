/**
 * `POST /v1/chat/completions`: validates the request, ingests it as an
 * `InboundMessage`, then waits for the gateway's answer (delivered through the
 * adapter's `send`/`streamDelta`) and answers as JSON or as a stream.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdapterContext, IngestResult } from '../contract.ts';
import { chatCompletion } from './completion-objects.ts';
import { type ImageInputLimits, imageAttachments } from './image-input.ts';
import { toInboundMessage } from './inbound-message.ts';
import { duplicateRequest, invalidRequest, notAccepted, sendProblem, shuttingDown } from './openai-errors.ts';
import type { PendingReplies } from './pending-replies.ts';
import { createJsonWaiter, createStreamWaiter, type WaitingRequest } from './reply-waiters.ts';
import { IDEMPOTENCY_KEY_PATTERN, parseChatCompletionRequest, SESSION_ID_PATTERN } from './request-schema.ts';

/** The request header that chooses (and the response header that names) the session. */
export const SESSION_HEADER = 'X-Hermes-Session-Id';

/** The request header whose value becomes the completion id and deduplicates retries. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** What the route needs from the adapter. */
export interface ChatCompletionsDeps {
  /** The gateway's context of the running adapter. */
  ctx: AdapterContext;
  pending: PendingReplies;
  /** The model name answered in every completion. */
  modelName: string;
  /** True once the adapter is stopping: new requests get a 503. */
  isClosing: () => boolean;
  /** Limits of `image_url` parts (default: 20 MB, 15 s). */
  images?: ImageInputLimits;
}

/** Default limits of `image_url` parts. */
export const DEFAULT_IMAGE_LIMITS: ImageInputLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 15_000 };

/** A fresh completion id. */
export function newCompletionId(): string {
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}

function headerValue(request: FastifyRequest, name: string): string | string[] | undefined {
  return request.headers[name.toLowerCase()];
}

/** Registers `POST /v1/chat/completions`. */
export function registerChatCompletionsRoute(app: FastifyInstance, deps: ChatCompletionsDeps): void {
  const { ctx, pending } = deps;

  app.post('/v1/chat/completions', async (request: FastifyRequest, reply: FastifyReply) => {
    if (deps.isClosing()) return sendProblem(reply, ctx.log, shuttingDown());

    const sessionHeader = headerValue(request, SESSION_HEADER);
    if (
      sessionHeader !== undefined &&
      (typeof sessionHeader !== 'string' || !SESSION_ID_PATTERN.test(sessionHeader))
    ) {
      return sendProblem(
        reply,
        ctx.log,
        invalidRequest(
          `Invalid ${SESSION_HEADER} header: use 1 to 128 characters of letters, digits and . _ : -`,
          SESSION_HEADER,
          'invalid_session_id',
        ),
      );
    }
    const idempotencyKey = headerValue(request, IDEMPOTENCY_HEADER);
    if (
      idempotencyKey !== undefined &&
      (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey))
    ) {
      return sendProblem(
        reply,
        ctx.log,
        invalidRequest(
          `Invalid ${IDEMPOTENCY_HEADER} header: use 1 to 256 visible ASCII characters`,
          IDEMPOTENCY_HEADER,
          'invalid_idempotency_key',
        ),
      );
    }
    const parsed = parseChatCompletionRequest(request.body);
    if (!parsed.ok) return sendProblem(reply, ctx.log, invalidRequest(parsed.message, parsed.param));

    const sessionId = sessionHeader ?? randomUUID();
    reply.header(SESSION_HEADER, sessionId);
    const completionId = idempotencyKey ?? newCompletionId();
    const identity = { id: completionId, created: Math.floor(Date.now() / 1000), model: deps.modelName };
    const lastIndex = parsed.value.messages.length - 1;
    const images = await imageAttachments(
      parsed.value.messages[lastIndex]!,
      lastIndex,
      deps.images ?? DEFAULT_IMAGE_LIMITS,
    );
    if (!images.ok) return sendProblem(reply, ctx.log, images.problem);
    const message = toInboundMessage(parsed.value, { sessionId, completionId }, images.attachments);

    const onGone = (waiter: WaitingRequest['waiter']) => {
      ctx.log.info(
        { completionId, sessionKey: message.sessionKey },
        'api: client disconnected before the answer',
      );
      pending.detach(completionId, waiter);
    };
    const waiting = parsed.value.stream
      ? createStreamWaiter(reply, {
          identity,
          includeUsage: parsed.value.stream_options?.include_usage === true,
          onGone,
        })
      : createJsonWaiter(reply, onGone);

    if (pending.attach(completionId, waiting.waiter)) {
      ctx.log.info({ completionId }, 'api: duplicate request attached to the pending answer');
    } else {
      pending.open(completionId, waiting.waiter);
      void ingest(deps, completionId, message);
    }

    const result = await waiting.result;
    switch (result.kind) {
      case 'gone':
      case 'streamed':
        if (!reply.sent) reply.hijack();
        return reply;
      case 'problem':
        return sendProblem(reply, ctx.log, result.problem);
      case 'answer':
        return reply.send(chatCompletion(identity, result.text, result.usage));
    }
  });
}

/** Hands the message to the gateway and tells the waiting requests how that went. */
async function ingest(
  deps: ChatCompletionsDeps,
  completionId: string,
  message: Parameters<AdapterContext['ingest']>[0],
): Promise<void> {
  const { ctx, pending } = deps;
  let accepted: IngestResult;
  try {
    accepted = await ctx.ingest(message);
  } catch (error) {
    ctx.log.error({ err: error, completionId }, 'api: the gateway did not accept the message');
    pending.settle(completionId, { kind: 'problem', problem: notAccepted() });
    return;
  }
  if (accepted.duplicate) {
    pending.settle(completionId, { kind: 'problem', problem: duplicateRequest(completionId) });
    return;
  }
  pending.accept(completionId);
}
