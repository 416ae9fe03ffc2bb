/**
 * A fake OpenAI-compatible model server for tests.
 *
 * It listens on 127.0.0.1 (free port) and speaks the real Chat Completions wire
 * format, both streaming (server-sent events: `data: {chunk}\n\n` ... `data: [DONE]`)
 * and non-streaming. What it answers is scripted: each `POST .../chat/completions`
 * takes the next scripted response. It records every request body, so a test can
 * assert what the agent sent (for example the tool result messages).
 *
 * @example
 * const model = await startFakeModelServer();
 * model.script(
 *   { kind: 'tool_calls', calls: [{ name: 'terminal', arguments: '{"command":"echo hi"}' }] },
 *   { kind: 'text', text: 'The command printed hi.' },
 * );
 * const agent = createOpenAIAgent({ baseURL: model.url, model: 'fake-model', tools: [createTerminalTool()] });
 * // ... run the agent ...
 * expect(model.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: 'hi\n' });
 * await model.close();
 */

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token usage reported by a scripted response (defaults to word counts). */
export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** One tool call of a scripted `tool_calls` response. */
export interface FakeToolCall {
  /** Call id; `call_<n>` when absent. */
  id?: string;
  name: string;
  /** The arguments text exactly as the model "produces" it (may be invalid JSON on purpose). */
  arguments: string;
}

/**
 * One scripted answer.
 * - `text`: an assistant answer, streamed in `chunks` content deltas (default 3).
 * - `tool_calls`: the model calls tools; streamed as real servers do: id and name in the
 *   first chunk of each call, the arguments split across several later chunks. Optional
 *   `text` is streamed first.
 * - `error`: an HTTP error with an OpenAI-style error body (`retryAfterMs` sets `retry-after-ms`).
 * - `hangup`: the connection is closed without any response.
 *
 * `delayMs` on `text` and `tool_calls` waits that long before every chunk: a slow stream
 * for abort tests.
 */
export type FakeResponse =
  | { kind: 'text'; text: string; chunks?: number; delayMs?: number; usage?: FakeUsage; model?: string }
  | {
      kind: 'tool_calls';
      calls: FakeToolCall[];
      text?: string;
      delayMs?: number;
      usage?: FakeUsage;
      model?: string;
    }
  | { kind: 'error'; status: number; message?: string; retryAfterMs?: number }
  | { kind: 'hangup' };

/** A scripted response, or a function that builds one from the request body. */
export type FakeResponder = FakeResponse | ((request: RecordedChatRequest) => FakeResponse);

/** A message as the agent sent it (Chat Completions wire format). */
export interface RecordedMessage {
  role: string;
  content:
    | string
    | null
    | Array<{ type: string; text?: string; image_url?: { url: string; detail?: string } }>;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  [key: string]: unknown;
}

/** A recorded request body of `POST .../chat/completions`. */
export interface RecordedChatRequest {
  model: string;
  messages: RecordedMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  [key: string]: unknown;
}

/** Options of the fake server. */
export interface FakeModelServerOptions {
  /**
   * Answer used when the script is empty. Without it an empty script answers
   * HTTP 500 "no scripted response left", which makes a missing script entry obvious.
   */
  fallback?: FakeResponder;
  /** Text `POST /audio/transcriptions` answers (default `transcript of <file name>`). */
  transcript?: string;
}

/** One transcription request: the model and file the client sent. */
export interface RecordedTranscription {
  model: string;
  fileName: string;
  contentType: string;
}

/** A running fake model server. */
export interface FakeModelServer {
  /** Base URL to give an OpenAI client, e.g. `http://127.0.0.1:40123/v1`. */
  url: string;
  /** Appends responses to the script; each chat request takes the next one. */
  script(...responses: FakeResponder[]): void;
  /** Every chat request body received, in order (including retried ones). */
  requests: RecordedChatRequest[];
  /** The HTTP headers of each request in `requests`, at the same index. */
  requestHeaders: IncomingHttpHeaders[];
  /** Every `POST /audio/transcriptions`, in order. */
  transcriptions: RecordedTranscription[];
  /** Stops the server and drops open connections (slow streams included). */
  close(): Promise<void>;
}

const FAKE_MODEL = 'fake-model';

/**
 * Starts a fake OpenAI-compatible model server on 127.0.0.1 with a free port.
 * Serves `POST <any prefix>/chat/completions`, `POST <any prefix>/audio/transcriptions`
 * and `GET <any prefix>/models`.
 *
 * @example
 * const model = await startFakeModelServer({ fallback: { kind: 'text', text: 'ok' } });
 */
export async function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const queue: FakeResponder[] = [];
  const requests: RecordedChatRequest[] = [];
  const requestHeaders: IncomingHttpHeaders[] = [];
  const transcriptions: RecordedTranscription[] = [];
  let callCounter = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake model server failed: ${String(err)}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path.endsWith('/models')) {
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: FAKE_MODEL, object: 'model', created: 0, owned_by: 'fake' }],
      });
      return;
    }
    if (req.method === 'POST' && path.endsWith('/audio/transcriptions')) {
      // multipart/form-data with `file` and `model`, as the OpenAI SDK sends it
      const body = await readBody(req);
      const model = /name="model"\r\n\r\n([^\r]*)/.exec(body)?.[1] ?? '';
      const fileName = /name="file"; filename="([^"]*)"/.exec(body)?.[1] ?? '';
      transcriptions.push({ model, fileName, contentType: req.headers['content-type'] ?? '' });
      sendJson(res, 200, { text: options.transcript ?? `transcript of ${fileName}` });
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      sendError(res, 404, `no route for ${req.method} ${path}`);
      return;
    }
    const body = JSON.parse(await readBody(req)) as RecordedChatRequest;
    requests.push(body);
    requestHeaders.push(req.headers);

    const next = queue.shift() ?? options.fallback;
    const response = typeof next === 'function' ? next(body) : next;
    if (!response) {
      sendError(res, 500, 'fake model server: no scripted response left');
      return;
    }
    switch (response.kind) {
      case 'error':
        sendError(
          res,
          response.status,
          response.message ?? `scripted error ${response.status}`,
          response.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(response.retryAfterMs) },
        );
        return;
      case 'hangup':
        req.socket.destroy();
        return;
      case 'text':
      case 'tool_calls': {
        const calls =
          response.kind === 'tool_calls'
            ? response.calls.map((call) => ({ ...call, id: call.id ?? `call_${++callCounter}` }))
            : [];
        const text = response.text ?? '';
        const usage = response.usage ?? {
          prompt_tokens: countWords(body.messages.map((m) => contentText(m.content)).join(' ')),
          completion_tokens: countWords(text) + calls.reduce((n, c) => n + countWords(c.arguments), 0),
        };
        const answer: Answer = {
          model: response.model ?? body.model ?? FAKE_MODEL,
          text,
          chunks: response.kind === 'text' ? (response.chunks ?? 3) : 2,
          calls,
          usage,
          delayMs: response.delayMs ?? 0,
        };
        if (body.stream) await streamAnswer(res, answer, body.stream_options?.include_usage === true);
        else sendJson(res, 200, completionObject(answer));
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    script: (...responses) => {
      queue.push(...responses);
    },
    requests,
    requestHeaders,
    transcriptions,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A text or tool-call answer ready to be sent. */
interface Answer {
  model: string;
  text: string;
  chunks: number;
  calls: Array<Required<FakeToolCall>>;
  usage: FakeUsage;
  delayMs: number;
}

const COMPLETION_ID = 'chatcmpl-fake';

function completionObject(answer: Answer): unknown {
  const hasCalls = answer.calls.length > 0;
  return {
    id: COMPLETION_ID,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text === '' && hasCalls ? null : answer.text,
          refusal: null,
          ...(hasCalls
            ? {
                tool_calls: answer.calls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        finish_reason: hasCalls ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: { ...answer.usage, total_tokens: answer.usage.prompt_tokens + answer.usage.completion_tokens },
  };
}

/** Streams an answer as Chat Completions chunks, stopping quietly if the client goes away. */
async function streamAnswer(res: ServerResponse, answer: Answer, includeUsage: boolean): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: unknown, finishReason: string | null = null, extra: object = {}): unknown => ({
    id: COMPLETION_ID,
    object: 'chat.completion.chunk',
    created,
    model: answer.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    ...extra,
  });

  const events: unknown[] = [chunk({ role: 'assistant', content: '' })];
  for (const piece of splitInto(answer.text, answer.chunks)) events.push(chunk({ content: piece }));
  answer.calls.forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const piece of splitInto(call.arguments, 3)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, answer.calls.length > 0 ? 'tool_calls' : 'stop'));
  if (includeUsage) {
    events.push({
      id: COMPLETION_ID,
      object: 'chat.completion.chunk',
      created,
      model: answer.model,
      choices: [],
      usage: { ...answer.usage, total_tokens: answer.usage.prompt_tokens + answer.usage.completion_tokens },
    });
  }

  for (const event of events) {
    if (answer.delayMs > 0) await sleep(answer.delayMs);
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  }
  if (!res.destroyed) res.end('data: [DONE]\n\n');
}

/** Splits text into at most `count` non-empty pieces (whole characters) that join back to it. */
function splitInto(text: string, count: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const size = Math.ceil(chars.length / Math.max(1, count));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}

function contentText(content: RecordedMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join(' ');
  return '';
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type: 'server_error', param: null, code: null } }, headers);
}
