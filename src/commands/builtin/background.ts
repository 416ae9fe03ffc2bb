/**
 * /background <prompt> (alias /bg): runs the prompt as an independent agent in
 * the background; the chat stays interactive and gets the result when it is ready.
 */
import type { CommandDefinition } from '../registry.ts';

/** /background: start a background task. */
export const backgroundCommand: CommandDefinition = {
  name: 'background',
  aliases: ['bg'],
  description: 'Run a prompt as a background task; the result comes back here',
  argsHint: '<prompt>',
  busyAllowed: true,
  async handler({ args, services }) {
    const prompt = args.trim();
    if (!prompt) {
      return { text: 'Usage: /background <prompt> — runs it as a separate agent and posts the result here.' };
    }
    // the runtime answers with the task id itself, before the result can arrive
    await services.startBackground(prompt);
    return {};
  },
};
