/**
 * Error answers in the shape OpenAI clients understand:
 * `{ error: { message, type, param, code } }`. Every non-2xx answer of the API
 * server is built here, so the official SDKs map each one to their typed errors
 * (`AuthenticationError`, `BadRequestError`, ...).
 */
import type { FastifyReply } from 'fastify';
import type { HttpProblem } from '../../http/errors.ts';
import type { AdapterLogger } from '../contract.ts';

/** The `error.type` values the API server answers with. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'agent_error'
  | 'timeout_error'
  | 'rate_limit_error'
  | 'server_error';

/** The JSON body of an error answer. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: OpenAIErrorType;
    param: string | null;
    code: string | null;
  };
}

/** One error answer: its HTTP status and what goes into the body. */
export interface OpenAIProblem {
  status: number;
  type: OpenAIErrorType;
  message: string;
  /** Machine-readable code, e.g. `invalid_api_key`, `duplicate_request`. */
  code: string | null;
  /** The request field (or header) at fault, when there is one. */
  param: string | null;
  /**
   * Whether an SDK should retry the request on its own (sent as `x-should-retry`).
   * Left undefined, the client decides by the status.
   */
  retry?: boolean;
}

/** Builds the JSON body of an error answer. */
export function openAIErrorBody(problem: OpenAIProblem): OpenAIErrorBody {
  return {
    error: { message: problem.message, type: problem.type, param: problem.param, code: problem.code },
  };
}

/** 400: the request is malformed or has the wrong shape. */
export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): OpenAIProblem {
  return { status: 400, type: 'invalid_request_error', message, param, code };
}

/** 401: the bearer key is missing or wrong. */
export function authenticationFailed(message: string): OpenAIProblem {
  return { status: 401, type: 'authentication_error', message, param: null, code: 'invalid_api_key' };
}

/** 409: the idempotency key was already answered and nothing is waiting for it anymore. */
export function duplicateRequest(id: string): OpenAIProblem {
  return {
    status: 409,
    type: 'invalid_request_error',
    message: `A request with the idempotency key ${id} was already accepted and its answer was already delivered; send a new Idempotency-Key to ask again`,
    param: 'Idempotency-Key',
    code: 'duplicate_request',
    retry: false,
  };
}

/** 502: the agent run failed; `message` is the explanation the gateway produced. */
export function agentFailed(message: string): OpenAIProblem {
  return {
    status: 502,
    type: 'agent_error',
    message: message.trim() === '' ? 'The agent run failed' : message,
    param: null,
    code: 'agent_error',
    retry: false,
  };
}

/** 503: the server is stopping and will not answer this request. */
export function shuttingDown(): OpenAIProblem {
  return {
    status: 503,
    type: 'server_error',
    message: 'The gateway is shutting down; the request was not answered',
    param: null,
    code: 'server_shutting_down',
  };
}

/** 503: the gateway could not accept the message durably. */
export function notAccepted(): OpenAIProblem {
  return {
    status: 503,
    type: 'server_error',
    message: 'The gateway could not accept the message; try again',
    param: null,
    code: 'not_accepted',
  };
}

/** 504: no answer arrived in time. */
export function replyTimedOut(timeoutMs: number): OpenAIProblem {
  return {
    status: 504,
    type: 'timeout_error',
    message: `No answer arrived within ${timeoutMs} ms; the conversation keeps the answer when it comes`,
    param: null,
    code: 'reply_timeout',
    retry: false,
  };
}

/**
 * The OpenAI form of a problem the HTTP ingress found (body too large, bad JSON,
 * unsupported media type, rate limit, unknown URL, malformed HTTP): the type
 * follows the status, the code is the ingress's reason word.
 */
export function openAIProblemOf(problem: HttpProblem): OpenAIProblem {
  const type: OpenAIErrorType =
    problem.status === 401
      ? 'authentication_error'
      : problem.status === 404
        ? 'not_found_error'
        : problem.status === 429
          ? 'rate_limit_error'
          : problem.status >= 500
            ? 'server_error'
            : 'invalid_request_error';
  return { status: problem.status, type, message: problem.message, param: null, code: problem.reason };
}

/** Where a problem happened, for the log line. */
export interface ProblemSource {
  method: string;
  url: string;
}

/**
 * Logs a problem (warn for 4xx, error for 5xx) naming the reason.
 */
export function logProblem(
  log: AdapterLogger,
  problem: OpenAIProblem,
  source: ProblemSource,
  cause?: unknown,
): void {
  const entry = {
    status: problem.status,
    type: problem.type,
    code: problem.code,
    param: problem.param,
    method: source.method,
    url: source.url,
    ...(cause === undefined ? {} : { err: cause }),
  };
  const line = `api: ${problem.status} ${problem.code ?? problem.type}: ${problem.message}`;
  if (problem.status >= 500) log.error(entry, line);
  else log.warn(entry, line);
}

/**
 * Logs a problem and sends it as the answer of `reply`.
 *
 * @example
 * return sendProblem(reply, log, invalidRequest('messages: required', 'messages'));
 */
export function sendProblem(
  reply: FastifyReply,
  log: AdapterLogger,
  problem: OpenAIProblem,
  cause?: unknown,
): FastifyReply {
  logProblem(log, problem, { method: reply.request.method, url: reply.request.url }, cause);
  if (problem.retry !== undefined) reply.header('x-should-retry', String(problem.retry));
  return reply.code(problem.status).type('application/json; charset=utf-8').send(openAIErrorBody(problem));
}
