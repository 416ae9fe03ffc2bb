/**
 * Tests that need ffmpeg: run when it is installed, skip with a visible reason
 * when it is not, and fail under CI=true, where it must be installed.
 */
import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

/** Why ffmpeg tests cannot run, or undefined when ffmpeg and ffprobe are installed. */
export function ffmpegMissing(): string | undefined {
  for (const binary of ['ffmpeg', 'ffprobe']) {
    const probe = spawnSync(binary, ['-version'], { stdio: 'ignore' });
    if (probe.error || probe.status !== 0) return `${binary} is not installed (apt-get install -y ffmpeg)`;
  }
  return undefined;
}

const missing = ffmpegMissing();
if (missing && process.env.CI !== 'true') console.warn(`[voice tests] ffmpeg tests skipped: ${missing}`);

/** `it` for a test that needs ffmpeg. */
export function itWithFfmpeg(name: string, body: () => Promise<void>, timeout?: number): void {
  if (missing && process.env.CI === 'true') {
    it(name, () => {
      throw new Error(`ffmpeg is required under CI: ${missing}`);
    });
    return;
  }
  it.skipIf(!!missing)(name, body, timeout);
}

/** What ffprobe says of an audio file: its container and first stream's codec. */
export function probeAudio(path: string): { format: string; codec: string; channels: number } {
  const result = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=format_name:stream=codec_name,channels', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffprobe failed: ${result.stderr}`);
  const json = JSON.parse(result.stdout) as {
    format: { format_name: string };
    streams: { codec_name: string; channels: number }[];
  };
  return {
    format: json.format.format_name,
    codec: json.streams[0]?.codec_name ?? '',
    channels: json.streams[0]?.channels ?? 0,
  };
}
