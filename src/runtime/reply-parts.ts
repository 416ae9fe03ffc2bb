/** `textParts` now lives in `src/actors/text-parts.ts`; this path re-exports it. */
export { textParts } from '../actors/text-parts.ts';
