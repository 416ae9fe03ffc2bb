/**
 * /compress: summarise the conversation so far with the session's model. The
 * summary replaces the older turns for the next runs; the full transcript stays
 * in the store, and `/undo` right after a compression brings the turns back.
 */
import { errorText } from '../../log/runtime-logger.ts';
import type { CommandDefinition } from '../registry.ts';

/** /compress: compress this chat's context now. */
export const compressCommand: CommandDefinition = {
  name: 'compress',
  description: 'Summarise the conversation so far to free context (the transcript is kept)',
  busyAllowed: false,
  async handler(ctx) {
    if (!ctx.services.compress) return { text: '🗜️ This gateway cannot compress conversations.' };
    let outcome: Awaited<ReturnType<NonNullable<typeof ctx.services.compress>>>;
    try {
      outcome = await ctx.services.compress();
    } catch (error) {
      return { text: `❌ Compression failed, the conversation is unchanged: ${errorText(error)}` };
    }
    switch (outcome.kind) {
      case 'unsupported':
        return {
          text:
            `🗜️ /compress needs the openai backend (agent.backend: openai in config.yaml): ` +
            `the ${outcome.backend} backend has no model to write the summary.`,
        };
      case 'nothing':
        return {
          text: `🗜️ Nothing to compress: no answered turn since the start or the last compression (about ${outcome.tokens} tokens).`,
        };
      case 'compressed':
        return {
          text:
            `🗜️ Context compressed: ${outcome.before} → ${outcome.after} tokens ` +
            `(${outcome.entries} entries summarised; the full transcript is kept, /undo restores them).`,
        };
    }
  },
};
