import { GatewayError } from '../errors.ts';
import type { GatewayOptions } from './gateway-options.ts';

function refuse(option: string, problem: string, fix: string): never {
  throw new GatewayError('GATEWAY_ERR_OPTION', `createGateway: option "${option}" ${problem}. ${fix}`, {
    option,
  });
}

/**
 * Refuses bad `createGateway()` options at once, naming the option and the fix.
 */
export function validateGatewayOptions(options: GatewayOptions): void {
  if (!options || typeof options !== 'object')
    refuse('options', 'is missing', 'Pass { store, agent, adapters }.');
  const { store, agent, adapters } = options;
  if (!store || typeof store.migrate !== 'function' || !store.inbox || !store.outbox || !store.actors) {
    refuse('store', 'is not a Store', 'Pass createSqliteStore({ path }) or createMemoryStore().');
  }
  if (!agent || typeof agent.run !== 'function') {
    refuse(
      'agent',
      'is not an Agent (it needs a run() method)',
      'Pass createAgent({ backend: "echo" }) or your own.',
    );
  }
  if (adapters !== undefined && !Array.isArray(adapters))
    refuse('adapters', 'is not an array', 'Pass an array.');
  const names = new Set<string>();
  for (const [i, a] of (adapters ?? []).entries()) {
    if (!a || typeof a.name !== 'string' || !a.name)
      refuse(`adapters[${i}].name`, 'is missing', 'Give each adapter a name.');
    for (const method of ['start', 'stop', 'send'] as const) {
      if (typeof a[method] !== 'function') {
        refuse(`adapters[${i}].${method}`, 'is not a function', 'Implement the Adapter contract.');
      }
    }
    if (!a.capabilities)
      refuse(`adapters[${i}].capabilities`, 'is missing', 'Spread NO_CAPABILITIES and set yours.');
    if (names.has(a.name))
      refuse(`adapters[${i}].name`, `repeats "${a.name}"`, 'Adapter names must be unique.');
    names.add(a.name);
  }
  const media = options.media;
  if (media !== undefined) {
    if (typeof media !== 'object' || media === null)
      refuse('media', 'is not an object', 'Pass { dir, maxBytes, retentionDays }.');
    if (media.dir !== undefined && (typeof media.dir !== 'string' || media.dir.trim() === '')) {
      refuse('media.dir', 'must be a folder path', 'Use e.g. join(stateDir, "media").');
    }
    if (media.maxBytes !== undefined && !(Number.isInteger(media.maxBytes) && media.maxBytes > 0)) {
      refuse('media.maxBytes', 'must be a positive whole number of bytes', 'Use e.g. 20971520 (20 MB).');
    }
    if (media.retentionDays !== undefined && !(media.retentionDays > 0)) {
      refuse('media.retentionDays', 'must be a positive number of days', 'Use e.g. 7.');
    }
    if (media.downloadTimeoutMs !== undefined && !(media.downloadTimeoutMs > 0)) {
      refuse('media.downloadTimeoutMs', 'must be a positive number of milliseconds', 'Use e.g. 60000.');
    }
    if (
      media.sendFrom !== undefined &&
      !(Array.isArray(media.sendFrom) && media.sendFrom.every((d) => typeof d === 'string' && d !== ''))
    ) {
      refuse('media.sendFrom', 'must be a list of folder paths', 'Use e.g. [process.cwd()].');
    }
  }
  if (options.transcribe !== undefined && typeof options.transcribe !== 'function') {
    refuse('transcribe', 'is not a function', 'Pass createTranscriber({ baseURL, model }) or leave it out.');
  }
  if (options.speech !== undefined && typeof options.speech?.synthesize !== 'function') {
    refuse(
      'speech.synthesize',
      'is not a function',
      'Pass { synthesize: createSynthesizer({ baseURL, model }) } or leave it out.',
    );
  }
  const s = options.settings;
  if (s?.passivateAfterMs !== undefined && !(s.passivateAfterMs > 0)) {
    refuse('settings.passivateAfterMs', 'must be a positive number of milliseconds', 'Use e.g. 600000.');
  }
}
