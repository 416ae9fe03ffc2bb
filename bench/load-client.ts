/**
 * The load generator's child process: receives one `LoadSpec` over IPC, runs
 * the warm-up, reports `warm` and waits for `go`, runs the measured phase and
 * sends back the result. Forked by `runLoad()` so the load does not share an
 * event loop with the server it measures.
 */
import { once } from 'node:events';
import { generateLoad } from './load-generator.ts';
import type { LoadClientMessage, LoadParentMessage } from './load-spec.ts';

/** Sends `message` to the parent. */
function tell(message: LoadClientMessage, then: () => void = () => {}): void {
  process.send?.(message, undefined, undefined, then);
}

/** Resolves when the parent sends `go`. */
async function goSignal(): Promise<void> {
  for (;;) {
    const [message] = (await once(process, 'message')) as [LoadParentMessage];
    if (message.type === 'go') return;
  }
}

process.once('message', (message: LoadParentMessage) => {
  if (message.type !== 'run') return;
  const warmedUp = async () => {
    const go = goSignal();
    tell({ type: 'warm' });
    await go;
  };
  generateLoad(message.spec, warmedUp).then(
    (result) => tell({ type: 'result', result }, () => process.disconnect()),
    (error: unknown) =>
      tell(
        { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) },
        () => process.disconnect(),
      ),
  );
});
