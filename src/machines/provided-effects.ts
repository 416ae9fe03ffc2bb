/**
 * Typing the effects the runtime provides against the machine that names them:
 * a machine declares its effects as placeholder actions in `setup({ actions })`,
 * and `ProvidedEffects` is the object that provides every one of them, each with
 * the machine's own context and event types. A missing or misspelled effect then
 * fails the type check.
 */
import type { AnyStateMachine } from 'xstate';

/**
 * The implementations of the effects `Name` of `Machine`, all required.
 *
 * @example
 * const effects = { notifyTripped: () => {}, ... } satisfies ProvidedEffects<typeof breakerMachine, BreakerEffectName>;
 */
export type ProvidedEffects<Machine extends AnyStateMachine, Name extends string> = Required<
  Pick<NonNullable<Parameters<Machine['provide']>[0]['actions']>, Name>
>;
