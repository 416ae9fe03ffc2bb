/**
 * Translation between the gateway's chat messages and tools and the
 * Chat Completions wire format of OpenAI-compatible servers.
 */

import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ChatMessage, Tool } from './agent.ts';
import { textWithAttachments, userContent } from './attachment-parts.ts';

/**
 * Converts one chat message to a Chat Completions message. A user message's
 * attachments are described in its text; `toWireMessageWithFiles` sends them
 * as content parts instead.
 *
 * @example
 * toWireMessage({ role: 'tool', content: 'hi', toolCallId: 'call_1' }); // { role: 'tool', tool_call_id: 'call_1', content: 'hi' }
 */
export function toWireMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: textWithAttachments(message) };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
  }
}

/**
 * Converts one chat message to a Chat Completions message, reading the files of a
 * user message: images become `image_url` parts (data URLs), text files are
 * inlined up to `inlineTextBytes`, other files are described.
 *
 * @example
 * await toWireMessageWithFiles({ role: 'user', content: 'what is this?', attachments: [photo] });
 * // { role: 'user', content: [{ type: 'text', ... }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,...' } }] }
 */
export async function toWireMessageWithFiles(
  message: ChatMessage,
  options: { inlineTextBytes?: number } = {},
): Promise<ChatCompletionMessageParam> {
  if (message.role !== 'user' || !message.attachments?.length) return toWireMessage(message);
  return { role: 'user', content: await userContent(message, options) };
}

/**
 * Describes a tool to the model as a Chat Completions function tool.
 *
 * @example
 * toWireTool(createTerminalTool()); // { type: 'function', function: { name: 'terminal', ... } }
 */
export function toWireTool(tool: Tool): ChatCompletionFunctionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}
