/**
 * One utterance of a speaker in a voice channel: the Opus packets the
 * receiver hands over until the speaker falls silent, decoded to PCM
 * (prism-media's Opus decoder on opusscript) and wrapped as WAV. Utterances
 * shorter than a minimum (a cough, a click) are dropped.
 */
import type { Readable } from 'node:stream';
import prism from 'prism-media';
import { DISCORD_PCM, pcmSeconds, pcmToWav } from './pcm-wav.ts';

/** Samples per channel in one 20 ms Opus frame at 48 kHz. */
const FRAME_SIZE = 960;

/** Shortest utterance passed on, in seconds. */
export const MIN_UTTERANCE_SECONDS = 0.3;

/** A finished utterance. */
export interface Utterance {
  /** WAV (48 kHz stereo 16-bit). */
  wav: Buffer;
  seconds: number;
}

/**
 * Decodes the Opus packets of `packets` until it ends; resolves with the
 * utterance, or undefined when it was shorter than `minSeconds`.
 *
 * @example
 * const stream = connection.receiver.subscribe(userId, { end: { behavior: EndBehaviorType.AfterSilence, duration: 800 } });
 * const utterance = await collectUtterance(stream);
 */
export function collectUtterance(
  packets: Readable,
  minSeconds = MIN_UTTERANCE_SECONDS,
): Promise<Utterance | undefined> {
  const decoder = new prism.opus.Decoder({
    rate: DISCORD_PCM.sampleRate,
    channels: DISCORD_PCM.channels,
    frameSize: FRAME_SIZE,
  });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    decoder.on('data', (pcm: Buffer) => chunks.push(pcm));
    decoder.once('error', reject);
    packets.once('error', reject);
    decoder.once('end', () => {
      const pcm = Buffer.concat(chunks);
      const seconds = pcmSeconds(pcm.length);
      resolve(seconds < minSeconds ? undefined : { wav: pcmToWav(pcm), seconds });
    });
    packets.pipe(decoder);
  });
}
