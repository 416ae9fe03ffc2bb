/**
 * Checks that an update has the shape the adapter reads before anything reads
 * it: an integer `update_id`, a `message` or `channel_post` (the kinds the
 * adapter asks for), and in it the chat, sender, text, entities, files and
 * reply with the types the Bot API documents. A field the adapter can do
 * without may be absent (and the chat type may be one Telegram adds later);
 * other fields pass unchecked. Anything else is a payload the adapter cannot
 * use: it is ignored with a reason instead of failing deep inside the
 * normalisation.
 */
import type { Update } from 'grammy/types';
import { z } from 'zod';

const id = z.number().int();

const user = z.looseObject({
  id,
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const chat = z.looseObject({
  id,
  /** private, group, supergroup or channel; an unknown type is treated as a group. */
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
});

const entity = z
  .looseObject({
    type: z.string(),
    offset: z.number().int().nonnegative(),
    length: z.number().int().nonnegative(),
    user: user.optional(),
  })
  .refine((e) => e.type !== 'text_mention' || e.user !== undefined, {
    message: 'a text_mention entity needs its user',
    path: ['user'],
  });

const file = z.looseObject({
  file_id: z.string(),
  file_size: z.number().nonnegative().optional(),
  mime_type: z.string().optional(),
  file_name: z.string().optional(),
});

const reply = z.looseObject({
  message_id: id,
  from: user.optional(),
  chat: chat.optional(),
});

const message = z.looseObject({
  message_id: id,
  chat,
  from: user.optional(),
  sender_chat: chat.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(entity).optional(),
  caption_entities: z.array(entity).optional(),
  photo: z.array(file).optional(),
  document: file.optional(),
  voice: file.optional(),
  audio: file.optional(),
  video: file.optional(),
  video_note: file.optional(),
  reply_to_message: reply.optional(),
  is_topic_message: z.boolean().optional(),
  message_thread_id: id.optional(),
});

/** Why an update was not used. */
export type UnusableUpdate = {
  ok: false;
  /** `not_an_update`, `unsupported_update` (a kind the adapter does not ask for) or `invalid_message`. */
  reason: 'not_an_update' | 'unsupported_update' | 'invalid_message';
  detail: string;
};

function firstIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = [prefix, ...issue.path.map(String)].join('.');
  return `${where}: ${issue.message}`;
}

/**
 * Checks one update.
 *
 * @example
 * const parsed = parseUpdate(JSON.parse(body));
 * if (!parsed.ok) return ignored(parsed.reason, parsed.detail);
 */
export function parseUpdate(value: unknown): { ok: true; update: Update } | UnusableUpdate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not_an_update', detail: 'the body is not a JSON object' };
  }
  const raw = value as Record<string, unknown>;
  if (!id.safeParse(raw.update_id).success) {
    return { ok: false, reason: 'not_an_update', detail: 'update_id is not an integer' };
  }
  const key =
    raw.message !== undefined ? 'message' : raw.channel_post !== undefined ? 'channel_post' : undefined;
  if (key === undefined) {
    const kinds = Object.keys(raw).filter((k) => k !== 'update_id');
    return {
      ok: false,
      reason: 'unsupported_update',
      detail:
        kinds.length > 0 ? `an update of kind ${kinds.slice(0, 3).join(', ')}` : 'an update without content',
    };
  }
  const checked = message.safeParse(raw[key]);
  if (!checked.success) {
    return { ok: false, reason: 'invalid_message', detail: firstIssue(checked.error, key) };
  }
  return { ok: true, update: value as Update };
}
