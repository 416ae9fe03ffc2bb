/**
 * State diagrams generated from the machine definitions: Mermaid and DOT text, SVG
 * rendered offline, and the files of `visualizations/`.
 */
export { toDot } from './dot.ts';
export { actionLabel, delayLabel, eventLabel, guardLabel, invocationName, invocationNote } from './labels.ts';
export { toMermaid } from './mermaid.ts';
export {
  type DiagramState,
  type DiagramStateKind,
  type DiagramTransition,
  describeMachine,
  type MachineDiagram,
  stateTitle,
} from './model.ts';
export { diagramsReadme } from './readme.ts';
export { renderSvg } from './render-svg.ts';
export {
  DIAGRAM_EXTENSIONS,
  generateDiagrams,
  README_FILE,
  staleDiagramFiles,
  type WriteDiagramsResult,
  writeDiagrams,
} from './write-diagrams.ts';
