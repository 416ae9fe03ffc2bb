/**
 * A loopback fake of an OpenAI-compatible server's audio endpoints:
 * `POST <prefix>/audio/speech` answers a real WAV tone and records what was
 * asked; `POST <prefix>/audio/transcriptions` answers a fixed transcript.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sineWav } from './wav.ts';

/** One speech request as the client sent it. */
export interface SpeechRequest {
  model: string;
  voice: string;
  input: string;
  response_format?: string;
  authorization?: string | undefined;
}

/** A running fake audio server. */
export interface FakeAudioServer {
  /** Base URL for an OpenAI client, e.g. `http://127.0.0.1:40123/v1`. */
  url: string;
  speech: SpeechRequest[];
  /** File names of the transcription requests, in order. */
  transcriptions: string[];
  /** Set to make `/audio/speech` answer 500. */
  failSpeech: boolean;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Starts the fake on 127.0.0.1 with a free port.
 *
 * @example
 * const audio = await startFakeAudioServer({ transcript: 'call mum' });
 */
export async function startFakeAudioServer(opts: { transcript?: string } = {}): Promise<FakeAudioServer> {
  const speech: SpeechRequest[] = [];
  const transcriptions: string[] = [];
  const wav = sineWav({ ms: 400 });
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const body = await readBody(req);
      if (req.method === 'POST' && path.endsWith('/audio/speech')) {
        if (fake.failSpeech) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'speech is down' } }));
          return;
        }
        const json = JSON.parse(body.toString()) as SpeechRequest;
        speech.push({ ...json, authorization: req.headers.authorization });
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length });
        res.end(wav);
        return;
      }
      if (req.method === 'POST' && path.endsWith('/audio/transcriptions')) {
        const fileName = /name="file"; filename="([^"]*)"/.exec(body.toString('latin1'))?.[1] ?? '';
        transcriptions.push(fileName);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: opts.transcript ?? `transcript of ${fileName}` }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route for ${req.method} ${path}` } }));
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeAudioServer = {
    url: `http://127.0.0.1:${port}/v1`,
    speech,
    transcriptions,
    failSpeech: false,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
  return fake;
}
