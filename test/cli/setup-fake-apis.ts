/**
 * Loopback fakes of the APIs the setup wizard checks credentials against:
 * Telegram's `GET /bot<token>/getMe` and Slack's `POST /api/auth.test`, each
 * accepting exactly one token and answering others as the real APIs do.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started fake; `close()` stops it. */
export interface FakeApis {
  /** Base for TELEGRAM_API_ROOT. */
  telegramRoot: string;
  /** Base for HERMES_SETUP_SLACK_API_URL. */
  slackApiUrl: string;
  /** Paths requested so far (tokens masked). */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the fakes on 127.0.0.1 with a free port. */
export async function startFakeApis(accept: {
  telegramToken: string;
  slackToken: string;
}): Promise<FakeApis> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const telegram = /^\/bot([^/]+)\/getMe$/.exec(url);
    if (telegram) {
      requests.push('telegram getMe');
      if (decodeURIComponent(telegram[1] ?? '') === accept.telegramToken) {
        return reply(200, {
          ok: true,
          result: { id: 42, is_bot: true, first_name: 'Hermes', username: 'hermes_test_bot' },
        });
      }
      return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    if (url === '/api/auth.test' && req.method === 'POST') {
      requests.push('slack auth.test');
      if (req.headers.authorization === `Bearer ${accept.slackToken}`) {
        return reply(200, {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'hermes',
          team_id: 'T1',
          user_id: 'U1',
        });
      }
      return reply(200, { ok: false, error: 'invalid_auth' });
    }
    reply(404, { ok: false, error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    telegramRoot: `http://127.0.0.1:${port}`,
    slackApiUrl: `http://127.0.0.1:${port}/api/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
