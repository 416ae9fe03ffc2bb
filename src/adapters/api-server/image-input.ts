/**
 * The `image_url` parts of a chat completion request, turned into image
 * attachments before the message is ingested: a `data:image/...;base64,` URL
 * is decoded; an http(s) URL is fetched with a size cap and a time limit. A URL
 * that cannot be read, a file that is not an image or one over the cap is the
 * client's problem: a 400 in OpenAI's error shape, never a 5xx.
 */
import { GatewayError } from '../../errors.ts';
import { fetchCapped, tooLargeText } from '../../media/fetch-capped.ts';
import { baseType, extensionOf, sniffType } from '../../media/mime-types.ts';
import type { Attachment } from '../contract.ts';
import { invalidRequest, type OpenAIProblem } from './openai-errors.ts';
import { type ChatCompletionMessage, imageUrls } from './request-schema.ts';

/** Limits of image input. */
export interface ImageInputLimits {
  /** Largest image, in bytes. */
  maxBytes: number;
  /** Longest the download of an http(s) image may take, in ms. */
  timeoutMs: number;
}

/** The image attachments of a message, or the 400 that refuses the request. */
export type ImageInput = { ok: true; attachments: Attachment[] } | { ok: false; problem: OpenAIProblem };

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/**
 * Reads the images of one request message (`messageIndex` names it in errors).
 *
 * @example
 * const input = await imageAttachments(last, messages.length - 1, { maxBytes: 20 << 20, timeoutMs: 15_000 });
 * if (!input.ok) return sendProblem(reply, log, input.problem);
 */
export async function imageAttachments(
  message: ChatCompletionMessage,
  messageIndex: number,
  limits: ImageInputLimits,
): Promise<ImageInput> {
  const attachments: Attachment[] = [];
  for (const [n, { index, url }] of imageUrls(message.content).entries()) {
    const param = `messages.${messageIndex}.content.${index}.image_url`;
    let image: { data: Buffer; declared: string | undefined };
    try {
      image = url.startsWith('data:') ? fromDataUrl(url, limits.maxBytes) : await fromWeb(url, limits);
    } catch (error) {
      const tooLarge = error instanceof GatewayError && error.details.failure === 'too_large';
      const why = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        problem: invalidRequest(
          tooLarge
            ? `The image at ${param} is too large: ${why}`
            : `The image at ${param} cannot be used: ${why}`,
          param,
          tooLarge ? 'image_too_large' : 'invalid_image_url',
        ),
      };
    }
    const type = sniffType(image.data) ?? image.declared;
    if (!type?.startsWith('image/')) {
      return {
        ok: false,
        problem: invalidRequest(
          `The file at ${param} is not an image${type ? ` (it is ${type})` : ''}`,
          param,
          'invalid_image',
        ),
      };
    }
    attachments.push({
      kind: 'image',
      mimeType: type,
      fileName: `image-${n + 1}.${extensionOf(type)}`,
      sizeBytes: image.data.byteLength,
      dataBase64: image.data.toString('base64'),
    });
  }
  return { ok: true, attachments };
}

/** Decodes a base64 data URL. */
function fromDataUrl(url: string, maxBytes: number): { data: Buffer; declared: string | undefined } {
  const match = DATA_URL.exec(url);
  if (!match) throw new Error('it is not a valid data URL');
  const [, type, params = '', payload = ''] = match;
  if (!params.split(';').includes('base64')) {
    throw new Error('a data URL must be base64 (data:image/png;base64,...)');
  }
  if (!BASE64.test(payload)) throw new Error('its base64 content is not valid');
  const estimated = Math.floor((payload.replace(/\s/g, '').length * 3) / 4);
  if (estimated > maxBytes) {
    throw new GatewayError('GATEWAY_ERR_MEDIA', tooLargeText(estimated, maxBytes), { failure: 'too_large' });
  }
  const data = Buffer.from(payload, 'base64');
  if (data.byteLength === 0) throw new Error('it holds no data');
  return { data, declared: type ? baseType(type) : undefined };
}

/** Downloads an http(s) image. */
async function fromWeb(
  url: string,
  limits: ImageInputLimits,
): Promise<{ data: Buffer; declared: string | undefined }> {
  const { data, contentType } = await fetchCapped(url, limits);
  return { data, declared: contentType ? baseType(contentType) : undefined };
}
