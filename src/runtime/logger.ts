/** The runtime logger now lives in the leaf module `src/log/runtime-logger.ts`; this path re-exports it. */
export { errorText, type RuntimeLogger, silentLogger } from '../log/runtime-logger.ts';
