/**
 * Raw PCM (signed 16-bit little-endian, interleaved) wrapped in a WAV
 * header, the form transcription endpoints take without any conversion.
 */

/** The PCM Discord's voice decodes to: 48 kHz, two channels, 16-bit. */
export const DISCORD_PCM = { sampleRate: 48_000, channels: 2 } as const;

/** The layout of 16-bit PCM. */
export interface PcmFormat {
  sampleRate: number;
  channels: number;
}

/**
 * Wraps 16-bit PCM in a WAV (RIFF) container.
 *
 * @example
 * const wav = pcmToWav(pcm, DISCORD_PCM);
 */
export function pcmToWav(pcm: Uint8Array, format: PcmFormat = DISCORD_PCM): Buffer {
  const header = Buffer.alloc(44);
  const byteRate = format.sampleRate * format.channels * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // size of the fmt chunk
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(byteRate, 28);
  header.writeUInt16LE(format.channels * 2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/** Seconds of sound in `bytes` of 16-bit PCM. */
export function pcmSeconds(bytes: number, format: PcmFormat = DISCORD_PCM): number {
  return bytes / (format.sampleRate * format.channels * 2);
}
