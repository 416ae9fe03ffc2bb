import { z } from 'zod';
import {
  accepted,
  createAdapter,
  definePlatform,
  fromEnv,
  type HttpIngress,
  httpFailure,
  httpUrlSetting,
  ignored,
  isNetworkError,
  type PlatformWire,
  rejected,
} from '../../../src/index.ts';

/** What Acme Chat posts to our webhook. */
const AcmeUpdate = z.object({ id: z.string(), chat: z.string(), user: z.string(), text: z.string() });

/** Acme's API answered with an error status. */
class AcmeError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`Acme answered HTTP ${status}`);
    this.status = status;
  }
}

export interface AcmeOptions {
  token: string;
  apiUrl: string;
}

/** Acme Chat's wire: a webhook route in, its REST API out. */
export function acmeWire({ token, apiUrl }: AcmeOptions, http: HttpIngress): PlatformWire {
  // mounted when the adapter is created; requests get 503 until connect() attaches the context
  const route = http.route({
    owner: 'acme',
    method: 'POST',
    path: '/acme',
    handler: async (request, ctx) => {
      if (request.header('x-acme-token') !== token) return rejected(401, 'bad_token', 'wrong token');
      const update = AcmeUpdate.safeParse(request.json());
      if (!update.success) return ignored('unsupported_update'); // never a 5xx for a payload we cannot use
      const { id, chat, user, text } = update.data;
      await ctx.ingest({
        platform: 'acme',
        chatType: 'dm',
        chatId: chat,
        userId: user,
        text,
        platformMessageId: id,
      });
      return accepted(); // 200 only after the inbox commit
    },
  });
  const call = async (method: string, path: string, body: unknown): Promise<{ id?: string }> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new AcmeError(response.status);
    return (await response.json()) as { id?: string };
  };
  return {
    name: 'acme',
    limits: { maxMessageLength: 2000 },
    async connect(ctx) {
      route.attach(ctx);
    },
    async disconnect() {
      route.detach();
    },
    async sendText(chat, text, { replyTo }) {
      return (await call('POST', '/messages', { chat: chat.chatId, text, replyTo })).id;
    },
    // having edit turns on streaming: the gateway edits one message as the answer grows
    async edit(ref, text) {
      await call('PATCH', `/messages/${ref.messageId}`, { text });
    },
    classify: (error) =>
      error instanceof AcmeError
        ? httpFailure(error.status)
        : { reason: isNetworkError(error) ? 'network' : 'unknown' },
  };
}

/** `hermes gateway` turns Acme on with ACME_TOKEN; a wrong ACME_API_URL is refused with the fix. */
export const acmePlatform = definePlatform({
  name: 'acme',
  title: 'Acme Chat',
  fields: {
    token: fromEnv('ACME_TOKEN', z.string().min(20, { error: 'too short for an Acme bot token' }), {
      description: 'Bot token from the Acme developer console',
      secret: true,
      required: true,
      fix: 'copy the bot token from Settings → Bots in the Acme console',
    }),
    apiUrl: fromEnv('ACME_API_URL', httpUrlSetting, {
      description: 'Acme API base URL (default https://api.acme.chat)',
      fix: 'set the API base URL, e.g. https://api.acme.chat',
    }),
  },
  options: (s): AcmeOptions => ({ token: s.token as string, apiUrl: s.apiUrl ?? 'https://api.acme.chat' }),
  create: (options, services) => {
    if (!services?.http) throw new Error('Acme Chat needs the HTTP ingress');
    return createAdapter(acmeWire(options, services.http));
  },
});
