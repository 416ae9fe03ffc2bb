import { describe, expect, it } from 'vitest';
import { createMachine, fromPromise, setup } from 'xstate';
import { toMermaid } from '../../src/diagrams/mermaid.ts';
import { chatMachine, deviceMachine } from './sample-machines.ts';

/** The trimmed lines of a Mermaid text. */
function lines(text: string): string[] {
  return text.split('\n').map((line) => line.trim());
}

describe('toMermaid', () => {
  it('writes a stateDiagram-v2 with the initial state and every state declared under its key', () => {
    const text = toMermaid(chatMachine);
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '[*] --> idle',
        'state "idle" as idle',
        'state "closed" as closed',
        'closed --> [*]',
      ]),
    );
  });

  it('nests the children of a compound state in a block that starts at its initial state', () => {
    const all = lines(toMermaid(chatMachine));
    const open = all.indexOf('state "running" as running {');
    const close = all.indexOf('}', open);
    expect(open).toBeGreaterThan(-1);
    expect(all.slice(open + 1, close)).toEqual([
      '[*] --> running__thinking',
      'state "thinking" as running__thinking',
      'state "streaming" as running__streaming',
      'state "finished" as running__finished',
      'running__finished --> [*]',
    ]);
  });

  it('labels arrows with their event, guard, invocation results, delays and eventless transitions', () => {
    expect(lines(toMermaid(chatMachine))).toEqual(
      expect.arrayContaining([
        'idle --> running : MESSAGE [hasQueue]',
        'idle --> closed : FORCE [isAdmin and not withinBudget]',
        'running --> idle : agentRun done',
        'running --> idle : agentRun error',
        'running --> idle : done',
        'running --> running__streaming : after 1000ms',
        'running --> closed : after probeDelay (5000ms)',
        'running__thinking --> running__streaming : always [isAdmin]',
        'running__streaming --> running__finished : END',
      ]),
    );
  });

  it('writes invoked actors and transitions that stay in the state as text on the state, not as arrows', () => {
    const text = toMermaid(chatMachine);
    expect(text).toContain(
      'note right of running\n    invokes agentRun\n    MESSAGE / enqueue, notify\n  end note\n',
    );
    expect(lines(text)).toEqual(expect.arrayContaining(['idle : PING / enqueue', 'idle : NOISE (ignored)']));
    expect(text).not.toMatch(/idle --> idle/);
    expect(text).not.toContain('xstate.');
  });

  it('separates the regions of a parallel state with -- and draws machine-wide events from the machine', () => {
    const all = lines(toMermaid(deviceMachine));
    expect(all[1]).toBe('state "device" as device {');
    const power = all.indexOf('state "power" as power {');
    const divider = all.indexOf('--');
    const link = all.indexOf('state "link" as link {');
    expect(power).toBeGreaterThan(1);
    expect(divider).toBeGreaterThan(power);
    expect(link).toBe(divider + 1);
    expect(all).toEqual(
      expect.arrayContaining([
        'device --> power__off : RESET',
        'state "recall (H*)" as power__on__recall',
        'power__on__recall --> power__on__dim',
        'link__offline --> link__online : CONNECT [in #device.power.on]',
      ]),
    );
  });

  it('writes every arrow after all states, so no arrow moves a state out of its parent block', () => {
    const all = lines(toMermaid(chatMachine));
    const lastDeclaration = Math.max(...all.map((line, i) => (line.startsWith('state ') ? i : -1)));
    const arrows = all.filter(
      (line, i) => i > lastDeclaration && line.includes(' --> ') && !line.includes('[*]'),
    );
    const allArrows = all.filter((line) => line.includes(' --> ') && !line.includes('[*]'));
    expect(arrows).toEqual(allArrows);
  });

  it('is the same text every time for the same machine', () => {
    expect(toMermaid(chatMachine)).toBe(toMermaid(chatMachine));
    expect(toMermaid(deviceMachine)).toBe(toMermaid(deviceMachine));
  });

  it('keeps ids Mermaid can parse and labels free of the characters that end a Mermaid label', () => {
    const machine = setup({ actors: { 'fetch-feed': fromPromise(async () => 1) } }).createMachine({
      id: 'feed-reader',
      initial: 'default',
      states: {
        default: { on: { 'chat:message': 'wait-ing', 'a;b': 'wait_ing' } },
        'wait-ing': { invoke: { src: 'fetch-feed', onDone: 'default' } },
        wait_ing: { on: { '*': 'default' } },
      },
    });
    const text = toMermaid(machine);
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '[*] --> s_default',
        'state "wait-ing" as wait_ing',
        'state "wait_ing" as wait_ing_2',
        's_default --> wait_ing : chat∶message',
        's_default --> wait_ing_2 : a,b',
        'wait_ing --> s_default : fetch-feed done',
        'wait_ing_2 --> s_default : any event',
      ]),
    );
  });

  it('draws a machine without states as a single state', () => {
    expect(toMermaid(createMachine({ id: 'flat' }))).toBe('stateDiagram-v2\n  state "flat" as flat\n');
  });
});
