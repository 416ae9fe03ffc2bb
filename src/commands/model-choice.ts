/**
 * Choosing a model among the configured `providers`: what `/model` accepts and
 * lists, and how the runtime turns a session's `provider:model` setting into an
 * endpoint. A provider name holds no colon (the schema refuses one), so the text
 * before the first colon names the provider and the rest is the model, which may
 * itself hold colons (`local:llama3:8b`).
 */
import type { GatewayConfig, ProviderConfig } from '../config/schema.ts';

/** The part of the configuration model choice reads. */
export type ProvidersConfig = Pick<GatewayConfig, 'providers'>;

/** One model of one provider. */
export interface ModelChoice {
  provider: string;
  model: string;
}

/** The endpoint a session setting resolves to. */
export interface ResolvedModel extends ModelChoice {
  baseUrl: string;
  apiKey: string | undefined;
}

/** What `findModel` made of the user's text. */
export type ModelLookup =
  | { kind: 'found'; choice: ModelChoice }
  | { kind: 'ambiguous'; model: string; providers: string[] }
  | { kind: 'unknown' };

/**
 * The text form of a choice, as stored in the session settings.
 *
 * @example
 * modelRef({ provider: 'openai', model: 'gpt-4o' }) // 'openai:gpt-4o'
 */
export function modelRef(choice: ModelChoice): string {
  return `${choice.provider}:${choice.model}`;
}

/** Every configured model, provider by provider in config order. */
export function availableModels(config: ProvidersConfig): ModelChoice[] {
  return Object.entries(config.providers).flatMap(([provider, p]) =>
    p.models.map((model) => ({ provider, model })),
  );
}

/** The model a provider uses when only its name is given: its `default_model`, else its first model. */
function defaultModelOf(provider: ProviderConfig): string {
  return provider.default_model ?? (provider.models[0] as string);
}

/** The one entry of `names` equal to `wanted`, exactly or else ignoring case. */
function pick(names: readonly string[], wanted: string): string | undefined {
  if (names.includes(wanted)) return wanted;
  const folded = names.filter((n) => n.toLowerCase() === wanted.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/**
 * Finds the model the user means: `provider:model`, a provider name alone (its
 * default model) or a model name offered by exactly one provider. Case is
 * ignored when that leaves one match.
 *
 * @example
 * findModel(config, 'openai:gpt-4o') // { kind: 'found', choice: { provider: 'openai', model: 'gpt-4o' } }
 * findModel(config, 'gpt-4o')        // found when only one provider lists gpt-4o
 */
export function findModel(config: ProvidersConfig, text: string): ModelLookup {
  const wanted = text.trim();
  const providers = config.providers;
  const colon = wanted.indexOf(':');
  if (colon > 0) {
    const provider = pick(Object.keys(providers), wanted.slice(0, colon));
    const settings = provider === undefined ? undefined : providers[provider];
    const model = settings ? pick(settings.models, wanted.slice(colon + 1)) : undefined;
    if (provider !== undefined && model !== undefined) return { kind: 'found', choice: { provider, model } };
  }
  const provider = pick(Object.keys(providers), wanted);
  const settings = provider === undefined ? undefined : providers[provider];
  if (provider !== undefined && settings) {
    return { kind: 'found', choice: { provider, model: defaultModelOf(settings) } };
  }
  const all = availableModels(config);
  let matches = all.filter((c) => c.model === wanted);
  if (matches.length === 0) matches = all.filter((c) => c.model.toLowerCase() === wanted.toLowerCase());
  if (matches.length === 1) return { kind: 'found', choice: matches[0] as ModelChoice };
  if (matches.length > 1) {
    return { kind: 'ambiguous', model: matches[0]!.model, providers: matches.map((c) => c.provider) };
  }
  return { kind: 'unknown' };
}

/**
 * The endpoint of a session's model setting (`provider:model`), or undefined when
 * the setting names no configured provider model (then the agent's default applies).
 *
 * @example
 * resolveModel(config, 'openai:gpt-4o') // { provider: 'openai', model: 'gpt-4o', baseUrl: 'https://api.openai.com/v1', apiKey: '...' }
 */
export function resolveModel(config: ProvidersConfig, ref: string): ResolvedModel | undefined {
  const colon = ref.indexOf(':');
  if (colon <= 0) return undefined;
  const provider = ref.slice(0, colon);
  const model = ref.slice(colon + 1);
  const settings = Object.hasOwn(config.providers, provider) ? config.providers[provider] : undefined;
  if (!settings?.models.includes(model)) return undefined;
  return { provider, model, baseUrl: settings.base_url, apiKey: settings.api_key };
}
