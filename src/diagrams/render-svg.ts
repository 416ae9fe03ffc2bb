/**
 * Renders DOT to SVG offline with the WebAssembly build of Graphviz. The same DOT
 * always yields the same SVG: the layout uses Graphviz's built-in font metrics, not
 * the fonts installed on the machine.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';

/**
 * Lays out a DOT graph with Graphviz `dot` and returns the SVG document. The WebAssembly
 * module is compiled on the first call and reused afterwards (`Graphviz.load()` caches it).
 *
 * @throws Error with Graphviz's message when the DOT text is invalid.
 * @example
 * const svg = await renderSvg(toDot(sessionMachine));
 */
export async function renderSvg(dot: string): Promise<string> {
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot);
}
