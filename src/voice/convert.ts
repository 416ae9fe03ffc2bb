/**
 * Audio conversion with ffmpeg (the `ffmpeg` binary, when installed): speech
 * becomes an Ogg/Opus voice note, the format Telegram's and WhatsApp's voice
 * notes need and every other platform plays as a file. Whether ffmpeg is there
 * is asked once (`ffmpeg -version`) and remembered.
 */
import { spawn } from 'node:child_process';
import type { SpeechFormat } from './synthesize.ts';
import { VoiceError } from './voice-error.ts';

/** The ffmpeg found on PATH by default. */
export const DEFAULT_FFMPEG = 'ffmpeg';

/** Longest a conversion may take. */
const CONVERT_TIMEOUT_MS = 60_000;

/**
 * Whether the ffmpeg binary at `path` runs (answers `-version`).
 *
 * @example
 * if (await ffmpegAvailable()) await toVoiceNote(audio);
 */
export function ffmpegAvailable(path: string = DEFAULT_FFMPEG): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(path, ['-hide_banner', '-version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}

/** The input options ffmpeg needs to read `format` from a pipe (raw PCM has no header). */
function inputArgs(format: SpeechFormat): string[] {
  // OpenAI's pcm is 24 kHz, 16-bit signed little-endian, mono
  return format === 'pcm' ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : [];
}

/**
 * Converts speech to an Ogg/Opus voice note (mono, 48 kHz, 32 kbit/s).
 *
 * @throws VoiceError `convert` when ffmpeg fails or cannot be started.
 * @example
 * const ogg = await toVoiceNote({ data: mp3Bytes, format: 'mp3' });
 */
export function toVoiceNote(
  audio: { data: Buffer; format: SpeechFormat },
  ffmpegPath: string = DEFAULT_FFMPEG,
): Promise<Buffer> {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    ...inputArgs(audio.format),
    '-i',
    'pipe:0',
    '-vn',
    '-ac',
    '1',
    '-ar',
    '48000',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-application',
    'voip',
    '-f',
    'ogg',
    'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CONVERT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 2000) err += chunk.toString();
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new VoiceError('convert', `ffmpeg could not be started: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const data = Buffer.concat(out);
      if (code === 0 && data.byteLength > 0) return resolve(data);
      const why = signal ? `was stopped (${signal})` : `exited with code ${code}`;
      reject(new VoiceError('convert', `ffmpeg ${why}: ${err.trim() || 'no output'}`));
    });
    // a failed child closes its stdin early: the write error is the exit's to report
    child.stdin.on('error', () => {});
    child.stdin.end(audio.data);
  });
}
