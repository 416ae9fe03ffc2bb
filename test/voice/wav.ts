/** A short sine tone as a real RIFF/WAVE file (16-bit PCM, mono), made in memory. */

/**
 * The bytes of a WAV file holding `ms` milliseconds of a `hz` tone.
 *
 * @example
 * const wav = sineWav({ ms: 400 }); // 'RIFF' … 'WAVE' … 'data'
 */
export function sineWav(opts: { ms?: number; hz?: number; sampleRate?: number } = {}): Buffer {
  const sampleRate = opts.sampleRate ?? 16_000;
  const samples = Math.round(((opts.ms ?? 400) / 1000) * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const value = Math.sin((2 * Math.PI * (opts.hz ?? 440) * i) / sampleRate) * 0.4 * 32767;
    data.writeInt16LE(Math.round(value), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
