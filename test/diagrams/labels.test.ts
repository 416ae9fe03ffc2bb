import { describe, expect, it } from 'vitest';
import { and, assign, createMachine, not, or, raise, sendTo, setup, stateIn } from 'xstate';
import { actionLabel, delayLabel, guardLabel } from '../../src/diagrams/labels.ts';

describe('guardLabel', () => {
  it('names registered and parameterised guards by their name', () => {
    expect(guardLabel('isAdmin')).toBe('isAdmin');
    expect(guardLabel({ type: 'withinBudget', params: { max: 3 } })).toBe('withinBudget');
  });

  it('spells out higher-order guards with parentheses where they nest', () => {
    expect(guardLabel(or(['a', and(['b', 'c'])]))).toBe('a or (b and c)');
    expect(guardLabel(not(and(['a', 'b'])))).toBe('not (a and b)');
    expect(guardLabel(and([not('a'), stateIn('#m.on')]))).toBe('not a and in #m.on');
  });

  it('names an inline guard function by its name, or as an inline guard', () => {
    function hasCredits(): boolean {
      return true;
    }
    expect(guardLabel(hasCredits)).toBe('hasCredits');
    expect(guardLabel(() => true)).toBe('inline guard');
  });
});

describe('actionLabel', () => {
  it('names built-in action creators without the xstate prefix and registered actions by name', () => {
    expect(actionLabel(assign({}))).toBe('assign');
    expect(actionLabel(raise({ type: 'X' }))).toBe('raise');
    expect(actionLabel(sendTo('child', { type: 'X' }))).toBe('sendTo');
    expect(actionLabel('notify')).toBe('notify');
    expect(actionLabel({ type: 'notify', params: {} })).toBe('notify');
    expect(actionLabel(() => {})).toBe('inline action');
  });
});

describe('delayLabel', () => {
  it('shows numbers in milliseconds and named delays with their value when it is a number', () => {
    const machine = setup({ delays: { probe: 5000, backoff: () => 10 } }).createMachine({});
    expect(delayLabel(machine, 250)).toBe('after 250ms');
    expect(delayLabel(machine, 'probe')).toBe('after probe (5000ms)');
    expect(delayLabel(machine, 'backoff')).toBe('after backoff');
    expect(delayLabel(createMachine({}), 'unknown')).toBe('after unknown');
  });
});
