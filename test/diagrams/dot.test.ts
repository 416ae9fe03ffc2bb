import { describe, expect, it } from 'vitest';
import { toDot } from '../../src/diagrams/dot.ts';
import { chatMachine, deviceMachine } from './sample-machines.ts';

/** The trimmed lines of a DOT text. */
function lines(text: string): string[] {
  return text.split('\n').map((line) => line.trim());
}

describe('toDot', () => {
  it('draws compound and parallel states as clusters holding their children', () => {
    const all = lines(toDot(deviceMachine));
    const power = all.indexOf('subgraph "cluster:device.power" {');
    const on = all.indexOf('subgraph "cluster:device.power.on" {');
    const dim = all.findIndex((line) => line.startsWith('"state:device.power.on.dim" ['));
    expect(all[0]).toBe('digraph "device" {');
    expect(all).toContain('subgraph "cluster:device" {');
    expect(power).toBeGreaterThan(0);
    expect(on).toBeGreaterThan(power);
    expect(dim).toBeGreaterThan(on);
    expect(all[power + 2]).toBe('style="rounded,dashed";');
  });

  it('carries the same arrow labels as the Mermaid diagram', () => {
    const text = toDot(chatMachine);
    for (const label of [
      'MESSAGE [hasQueue]',
      'FORCE [isAdmin and not withinBudget]',
      'agentRun done',
      'agentRun error',
      'after 1000ms',
      'after probeDelay (5000ms)',
      'always [isAdmin]',
    ]) {
      expect(text).toContain(`[label="${label}"`);
    }
    expect(text).toContain('invokes agentRun');
    expect(text).toContain('MESSAGE / enqueue, notify');
    expect(text).not.toContain('xstate.');
  });

  it('clips arrows into and out of a compound state at its border', () => {
    const all = lines(toDot(chatMachine));
    expect(all).toContain(
      '"state:chat.idle" -> "start:chat.running" [label="MESSAGE [hasQueue]", lhead="cluster:chat.running"];',
    );
    expect(all).toContain(
      '"anchor:chat.running" -> "state:chat.idle" [label="agentRun done", ltail="cluster:chat.running"];',
    );
    expect(all).toContain('"anchor:chat.running" -> "state:chat.running.streaming" [label="after 1000ms"];');
  });

  it('gives a cluster an invisible start point only when arrows leave it', () => {
    const text = toDot(deviceMachine);
    expect(text).toContain('"anchor:device" [shape=point, style=invis');
    expect(text).toContain('"anchor:device" -> "state:device.power.off" [label="RESET"];');
    expect(text).not.toContain('"anchor:device.power"');
    expect(text).not.toContain('"anchor:device.link"');
  });

  it('marks final states with a double border and starts each compound state at a dot', () => {
    const all = lines(toDot(chatMachine));
    expect(all.find((line) => line.startsWith('"state:chat.closed" ['))).toContain('peripheries=2');
    expect(all).toContain('"start:chat.running" -> "state:chat.running.thinking";');
    expect(all).toContain('"start:chat" -> "state:chat.idle";');
  });

  it('is the same text every time for the same machine', () => {
    expect(toDot(deviceMachine)).toBe(toDot(deviceMachine));
  });
});
