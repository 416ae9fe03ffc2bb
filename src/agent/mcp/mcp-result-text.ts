/**
 * An MCP tool result as the text the model reads: text parts as they are,
 * images, audio and resources described in one line each (the model gets no
 * binary data), structured content as JSON when the server sent no text.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

type ContentPart = CallToolResult['content'][number];

/** Size of base64 data in bytes, for the description. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function partText(part: ContentPart): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'image':
      return `[image: ${part.mimeType}, ${base64Bytes(part.data)} bytes]`;
    case 'audio':
      return `[audio: ${part.mimeType}, ${base64Bytes(part.data)} bytes]`;
    case 'resource_link':
      return `[resource: ${part.name} <${part.uri}>${part.mimeType ? ` (${part.mimeType})` : ''}${part.description ? `: ${part.description}` : ''}]`;
    case 'resource': {
      const r = part.resource;
      if ('text' in r && typeof r.text === 'string') return `[resource ${r.uri}]\n${r.text}`;
      const bytes = 'blob' in r && typeof r.blob === 'string' ? `, ${base64Bytes(r.blob)} bytes` : '';
      return `[resource: ${r.uri}${r.mimeType ? ` (${r.mimeType}${bytes})` : bytes ? ` (${bytes.slice(2)})` : ''}]`;
    }
    default:
      return `[${(part as { type: string }).type} content]`;
  }
}

/**
 * Flattens a tool result to text, parts separated by blank lines.
 *
 * @example
 * resultText({ content: [{ type: 'text', text: 'hi' }, { type: 'image', data: 'AAAA', mimeType: 'image/png' }] });
 * // 'hi\n\n[image: image/png, 3 bytes]'
 */
export function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map(partText);
  if (parts.length === 0 && result.structuredContent !== undefined) {
    return JSON.stringify(result.structuredContent);
  }
  return parts.join('\n\n');
}
