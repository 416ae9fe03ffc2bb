import { describe, expect, it } from 'vitest';
import { toDot } from '../../src/diagrams/dot.ts';
import { renderSvg } from '../../src/diagrams/render-svg.ts';
import { chatMachine, deviceMachine } from './sample-machines.ts';

describe('renderSvg', () => {
  it('renders a machine to an SVG that names every state', async () => {
    const chat = await renderSvg(toDot(chatMachine));
    expect(chat).toMatch(/<svg[\s>]/);
    for (const name of ['idle', 'running', 'thinking', 'streaming', 'finished', 'closed']) {
      expect(chat).toContain(`>${name}</text>`);
    }
    const device = await renderSvg(toDot(deviceMachine));
    for (const name of [
      'device',
      'power',
      'off',
      'on',
      'dim',
      'bright',
      'recall (H*)',
      'link',
      'offline',
      'online',
    ]) {
      expect(device).toContain(`>${name}</text>`);
    }
  });

  it('renders the same SVG for the same machine', async () => {
    const dot = toDot(deviceMachine);
    expect(await renderSvg(dot)).toBe(await renderSvg(dot));
  });

  it('rejects DOT text Graphviz cannot parse', async () => {
    await expect(renderSvg('digraph {')).rejects.toThrow();
  });
});
