/**
 * A platform definition from a settings schema: the kit reads and checks the
 * settings, lists the variables for `hermes gateway setup`, and the platform
 * only turns valid settings into its adapter.
 */
import type { Adapter } from '../contract.ts';
import type {
  PlatformDefinition,
  PlatformServices,
  PlatformSource,
  PlatformVariable,
} from '../platform-definition.ts';
import {
  readSettings,
  type SettingsFields,
  type SettingsOf,
  type SettingsSpec,
  variablesOf,
} from './settings.ts';

/** What `definePlatform` takes. */
export interface PlatformSpec<F extends SettingsFields, O> extends Omit<SettingsSpec<F>, 'platform'> {
  name: string;
  title: string;
  /** Variables the gateway reads for this platform elsewhere (allowlists, ingress port), listed by setup. */
  moreVariables?: readonly PlatformVariable[];
  /** The adapter's options from valid settings (and what else the source gives: home, transcriber). */
  options(settings: SettingsOf<F>, source: PlatformSource): O;
  create(options: O, services?: PlatformServices): Adapter;
}

/**
 * Defines a platform from its settings fields.
 *
 * @example
 * export const echoPlatform = definePlatform({
 *   name: 'echo', title: 'Echo',
 *   fields: { token: fromEnv('ECHO_TOKEN', z.string(), { description: 'token', fix: 'set ECHO_TOKEN', required: true }) },
 *   options: ({ token }) => ({ token: token as string }),
 *   create: (options, services) => new EchoAdapter(options, services?.http),
 * });
 */
export function definePlatform<F extends SettingsFields, O>(spec: PlatformSpec<F, O>): PlatformDefinition<O> {
  return {
    name: spec.name,
    title: spec.title,
    variables: [...variablesOf(spec.fields), ...(spec.moreVariables ?? [])],
    read(source) {
      const result = readSettings({ ...spec, platform: spec.name }, source);
      if (!result.configured || 'issues' in result) return result;
      return { configured: true, options: spec.options(result.options, source) };
    },
    create: spec.create,
  };
}
