/**
 * What an agent backend makes of the files of a user message: a one-line
 * description of each (every backend), and for the OpenAI-compatible backend
 * the content parts of the message: images as `image_url` parts with a data
 * URL, text files (text/*, JSON, CSV, Markdown, source code, ...) inlined up to
 * a limit with a note when cut, anything else named with its type, size and path.
 */
import { readFile } from 'node:fs/promises';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { formatBytes, isTextType, MODEL_IMAGE_TYPES } from '../media/mime-types.ts';
import type { AgentAttachment, ChatMessage } from './agent.ts';

/** How much of a text file is inlined into the prompt by default (100 kB). */
export const DEFAULT_INLINE_TEXT_BYTES = 100_000;

const NOUNS: Record<AgentAttachment['kind'], string> = {
  image: 'image',
  file: 'file',
  voice: 'voice note',
  video: 'video',
};

/**
 * One line about an attachment: kind, name, type and size, and where the copy
 * is (`withPath`, default true) or why there is none.
 *
 * @example
 * describeAttachment({ kind: 'image', fileName: 'cat.jpg', mimeType: 'image/jpeg', sizeBytes: 2048, path: '/m/ab.jpg' });
 * // 'Attached image cat.jpg (image/jpeg, 2 KB), saved at /m/ab.jpg'
 */
export function describeAttachment(
  attachment: AgentAttachment,
  options: { withPath?: boolean } = {},
): string {
  const size = attachment.sizeBytes === undefined ? '' : `, ${formatBytes(attachment.sizeBytes)}`;
  const head = `Attached ${NOUNS[attachment.kind]} ${attachment.fileName} (${attachment.mimeType}${size})`;
  if (attachment.unavailable) return `${head} was not received: ${attachment.unavailable}`;
  const heard = attachment.transcribed ? ', transcribed into the message text' : '';
  const where = (options.withPath ?? true) && attachment.path ? `, saved at ${attachment.path}` : '';
  return `${head}${heard}${where}`;
}

/**
 * The descriptions of several attachments, one line each (empty for none).
 *
 * @example
 * attachmentsText(message.attachments, { withPath: false }); // 'Attached file notes.txt (text/plain, 12 B)'
 */
export function attachmentsText(
  attachments: readonly AgentAttachment[] | undefined,
  options: { withPath?: boolean } = {},
): string {
  return (attachments ?? []).map((a) => describeAttachment(a, options)).join('\n');
}

/** A user message's text with its attachments described after it (for backends without content parts). */
export function textWithAttachments(
  message: Pick<ChatMessage, 'content' | 'attachments'>,
  options: { withPath?: boolean } = {},
): string {
  const files = attachmentsText(message.attachments, options);
  if (!files) return message.content;
  return message.content ? `${message.content}\n\n${files}` : files;
}

/**
 * The Chat Completions content of a user message with attachments: a plain
 * string when everything is text (servers without multi-part support still
 * take it), content parts when an image is sent.
 *
 * @example
 * await userContent({ role: 'user', content: 'what is this?', attachments: [photo] });
 * // [{ type: 'text', text: 'what is this?' }, { type: 'text', text: 'Attached image ...' },
 * //  { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,...' } }]
 */
export async function userContent(
  message: Pick<ChatMessage, 'content' | 'attachments'>,
  options: { inlineTextBytes?: number } = {},
): Promise<string | ChatCompletionContentPart[]> {
  const limit = options.inlineTextBytes ?? DEFAULT_INLINE_TEXT_BYTES;
  const parts: ChatCompletionContentPart[] = [];
  if (message.content) parts.push({ type: 'text', text: message.content });
  for (const attachment of message.attachments ?? []) {
    parts.push(...(await partsOf(attachment, limit)));
  }
  if (parts.every((p) => p.type === 'text')) {
    return parts.map((p) => (p as { text: string }).text).join('\n\n');
  }
  return parts;
}

async function partsOf(attachment: AgentAttachment, limit: number): Promise<ChatCompletionContentPart[]> {
  const text = (t: string): ChatCompletionContentPart => ({ type: 'text', text: t });
  if (!attachment.path || attachment.unavailable) return [text(describeAttachment(attachment))];
  const isImage = attachment.kind === 'image' && MODEL_IMAGE_TYPES.has(attachment.mimeType);
  const isText =
    !isImage && attachment.kind !== 'voice' && isTextType(attachment.mimeType, attachment.fileName);
  if (!isImage && !isText) return [text(describeAttachment(attachment))];
  let data: Buffer;
  try {
    data = await readFile(attachment.path);
  } catch {
    const gone = { ...attachment, unavailable: 'its stored copy is gone (removed after the retention time)' };
    return [text(describeAttachment(gone))];
  }
  if (isImage) {
    return [
      text(describeAttachment(attachment)),
      {
        type: 'image_url',
        image_url: { url: `data:${attachment.mimeType};base64,${data.toString('base64')}` },
      },
    ];
  }
  const cut = data.byteLength > limit;
  // cutting at a byte limit may split a character: the decoder drops the broken end
  const content = new TextDecoder('utf-8')
    .decode(cut ? data.subarray(0, limit) : data)
    .replace(/\uFFFD$/, '');
  const note = cut
    ? `Its first ${formatBytes(limit)} of ${formatBytes(data.byteLength)} (the rest was cut; read the file for more):`
    : 'Its content:';
  return [text(`${describeAttachment(attachment)}\n${note}\n\`\`\`\n${content}\n\`\`\``)];
}
