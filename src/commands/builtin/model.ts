/**
 * /model [provider:model]: show the chat's model and the configured choices, or
 * switch this chat to another provider model (kept in the session's settings).
 */
import { availableModels, findModel, modelRef, resolveModel } from '../model-choice.ts';
import type { CommandContext, CommandDefinition, CommandReply } from '../registry.ts';

/** Words that bring the chat back to the configured default model. */
const DEFAULT_WORDS = ['default', 'reset'];

/** The configured providers, one line each: `• openai: gpt-4o, gpt-4o-mini (default gpt-4o-mini)`. */
function providerLines(ctx: CommandContext): string[] {
  return Object.entries(ctx.services.config.providers).map(([name, p]) => {
    const fallback = p.default_model ? ` (default ${p.default_model})` : '';
    return `• ${name}: ${p.models.join(', ')}${fallback}`;
  });
}

const NO_PROVIDERS =
  'No providers are configured, so there is nothing to switch to: add them under providers in config.yaml ' +
  '(each with base_url and models).';

async function showModel(ctx: CommandContext): Promise<CommandReply> {
  const config = ctx.services.config;
  const current = (await ctx.services.session())?.context.settings.model ?? null;
  const lines = [
    current === null
      ? `Model: ${config.agent.model} (the default)`
      : `Model: ${current} (this chat)${resolveModel(config, current) ? '' : ' — no longer in config.yaml'}`,
  ];
  const providers = providerLines(ctx);
  if (providers.length === 0) return { text: `${lines[0]}\n${NO_PROVIDERS}` };
  lines.push('Available:', ...providers);
  lines.push('/model provider:model switches this chat; /model default goes back to the default.');
  return { text: lines.join('\n') };
}

/** /model: show or switch this chat's model. */
export const modelCommand: CommandDefinition = {
  name: 'model',
  argsHint: '[provider:model]',
  description: "Show or switch this chat's model",
  busyAllowed: true,
  async handler(ctx) {
    if (!ctx.args) return showModel(ctx);
    const config = ctx.services.config;
    if (DEFAULT_WORDS.includes(ctx.args.toLowerCase())) {
      await ctx.services.send({ type: 'SETTINGS', patch: { model: null } });
      return { text: `✅ This chat is back on the default model (${config.agent.model}).` };
    }
    const found = findModel(config, ctx.args);
    if (found.kind === 'found') {
      const ref = modelRef(found.choice);
      await ctx.services.send({ type: 'SETTINGS', patch: { model: ref } });
      return { text: `✅ Model for this chat: ${ref}. It applies from your next message.` };
    }
    if (availableModels(config).length === 0) return { text: NO_PROVIDERS };
    if (found.kind === 'ambiguous') {
      const refs = found.providers.map((provider) => `${provider}:${found.model}`);
      return { text: `❓ ${found.model} is offered by several providers: write one of ${refs.join(', ')}.` };
    }
    const choices = availableModels(config).map(modelRef).join(', ');
    return { text: `❓ Unknown model “${ctx.args}”. Choose one of: ${choices}` };
  },
};
