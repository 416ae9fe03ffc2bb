/**
 * Files in an agent run, both ways. Going in: the references a session keeps
 * become the attachments the agent receives, shaped by what the platform
 * declares (an image from a platform without `images` is a file to the agent, a
 * voice note from one without `voice` too). Going out: a file the agent names
 * on a line of its own as `MEDIA:/path` (in its answer or in a tool's result)
 * is taken out of the text, copied into the media store and attached to the
 * reply, provided it lies in the agent's working directory or the media folder,
 * is not over the size cap and the platform can receive it; otherwise the reply
 * says why it was not sent. A headless platform (the API server) gets the text
 * as the agent wrote it.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve, sep } from 'node:path';
import type { AdapterCapabilities, Attachment } from '../adapters/contract.ts';
import type { AgentAttachment } from '../agent/agent.ts';
import { describeAttachment } from '../agent/attachment-parts.ts';
import { errorText } from '../log/runtime-logger.ts';
import type { MediaRef } from './media-ref.ts';
import type { MediaStore } from './media-store.ts';
import { extensionOf, formatBytes, MODEL_IMAGE_TYPES, resolveType } from './mime-types.ts';

/** A line that names a file to send: `MEDIA:/abs/path` (or a path relative to the working directory). */
const MEDIA_LINE = /^[ \t]*MEDIA:[ \t]*(\S.*?)[ \t]*$/gm;

/** What the run's files need from the runtime. */
export interface RunMediaDeps {
  media: MediaStore;
  /** The capabilities of a platform's adapter; undefined for a platform with no adapter here. */
  capabilities: (platform: string) => AdapterCapabilities | undefined;
  /**
   * Folders the agent may send files from, besides the media folder; the first is
   * its working directory, against which relative paths are resolved. Default:
   * the gateway's current directory (where the terminal tool runs).
   */
  sendFrom?: string[];
}

/** A reply's text once its `MEDIA:` lines were taken out, and the files to send with it. */
export interface OutboundFiles {
  text: string;
  attachments: Attachment[];
}

/**
 * The paths named by `MEDIA:` lines, and the text without those lines.
 *
 * @example
 * takeMediaLines('Here is the chart.\nMEDIA:/work/chart.png');
 * // { text: 'Here is the chart.', paths: ['/work/chart.png'] }
 */
export function takeMediaLines(text: string): { text: string; paths: string[] } {
  const paths: string[] = [];
  const rest = text.replace(MEDIA_LINE, (_line, path: string) => {
    paths.push(path.replace(/^[`'"<]+|[`'">]+$/g, ''));
    return '\u0000';
  });
  if (paths.length === 0) return { text, paths };
  const cleaned = rest
    .split('\n')
    .filter((line) => line !== '\u0000')
    .join('\n')
    .replaceAll('\u0000', '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text: cleaned, paths };
}

/**
 * Files of agent runs, for the runtime.
 *
 * @example
 * const files = new RunMedia({ media, capabilities: (p) => adapters.get(p)?.capabilities });
 * const attachments = await files.attachmentsFor(message.attachments, 'telegram');
 */
export class RunMedia {
  readonly #deps: RunMediaDeps;
  readonly #roots: string[];

  constructor(deps: RunMediaDeps) {
    this.#deps = deps;
    this.#roots = [...(deps.sendFrom ?? [process.cwd()]), deps.media.dir].map((d) => resolve(d));
  }

  /** The agent's working directory: relative `MEDIA:` paths are resolved against it. */
  get workingDir(): string {
    return this.#roots[0]!;
  }

  /** The files of a user message as the agent receives them on `platform`. */
  async attachmentsFor(refs: readonly MediaRef[], platform: string): Promise<AgentAttachment[]> {
    const caps = this.#deps.capabilities(platform);
    return Promise.all(
      refs.map(async (ref) => {
        const attachment = this.#toAgent(ref, caps);
        if (!attachment.path || (ref.mediaId && (await this.#deps.media.has(ref.mediaId)))) return attachment;
        const { path: _gone, ...rest } = attachment;
        return { ...rest, unavailable: 'its stored copy is gone (removed after the retention time)' };
      }),
    );
  }

  /**
   * A user message's text with a line per file (where the copy is, not
   * checked): what the transcript keeps, and how steering messages reach the agent.
   */
  textWithFiles(text: string, refs: readonly MediaRef[], platform: string): string {
    if (refs.length === 0) return text;
    const caps = this.#deps.capabilities(platform);
    const lines = refs.map((ref) => describeAttachment(this.#toAgent(ref, caps)));
    return [text, ...lines].filter((line) => line !== '').join('\n');
  }

  /** A reference as the agent sees it; images and voice notes are files where the platform does not declare them. */
  #toAgent(ref: MediaRef, caps: AdapterCapabilities | undefined): AgentAttachment {
    const downgrade =
      (ref.kind === 'image' && caps?.images === false) || (ref.kind === 'voice' && caps?.voice === false);
    const attachment: AgentAttachment = {
      kind: downgrade ? 'file' : ref.kind,
      mimeType: ref.mimeType,
      fileName: ref.fileName ?? `${ref.kind}.${extensionOf(ref.mimeType)}`,
      ...(ref.sizeBytes !== undefined ? { sizeBytes: ref.sizeBytes } : {}),
      ...(ref.transcribed ? { transcribed: true } : {}),
    };
    const path = ref.mediaId && !ref.unavailable ? this.#deps.media.pathOf(ref.mediaId) : undefined;
    if (!path) return { ...attachment, unavailable: ref.unavailable ?? 'the gateway holds no copy' };
    return { ...attachment, path };
  }

  /**
   * What the agent is told about sending files on `platform`, or undefined
   * where the platform can receive none.
   */
  sendingNote(platform: string): string | undefined {
    const caps = this.#deps.capabilities(platform);
    if (caps && ((!caps.files && !caps.images) || caps.headless)) return undefined;
    return (
      'To send the user a file you made, put a line of its own in your answer: MEDIA:/absolute/path/to/file ' +
      `(the file must be in ${this.#roots.join(' or ')}, at most ${formatBytes(this.#deps.media.maxBytes)}). ` +
      'The line is replaced by the file in the chat.'
    );
  }

  /** Whether an answer or a tool result has a `MEDIA:` line (cheap: nothing is read). */
  namesFiles(text: string, toolOutputs: readonly string[]): boolean {
    return [text, ...toolOutputs].some((t) => t.includes('MEDIA:') && takeMediaLines(t).paths.length > 0);
  }

  /**
   * Takes the `MEDIA:` lines out of an answer, finds the files they and the
   * tool results name, and stores each one for sending. A file that cannot be
   * sent leaves a line in the text saying why.
   */
  async outbound(text: string, toolOutputs: readonly string[], platform: string): Promise<OutboundFiles> {
    const caps = this.#deps.capabilities(platform);
    // nobody reads a headless platform's chat (the API server): its client gets the text as the agent wrote it
    if (caps?.headless) return { text, attachments: [] };
    const answer = takeMediaLines(text);
    const named = [...answer.paths, ...toolOutputs.flatMap((output) => takeMediaLines(output).paths)];
    if (named.length === 0) return { text, attachments: [] };
    const attachments: Attachment[] = [];
    const notes: string[] = [];
    const seen = new Set<string>();
    for (const path of namedPaths(named, this.workingDir)) {
      if (seen.has(path)) continue;
      seen.add(path);
      const result = await this.#prepare(path, caps);
      if ('attachment' in result) attachments.push(result.attachment);
      else notes.push(`⚠️ Could not send ${basename(path)}: ${result.problem}.`);
    }
    return { text: [answer.text, ...notes].filter((t) => t !== '').join('\n\n'), attachments };
  }

  async #prepare(
    path: string,
    caps: AdapterCapabilities | undefined,
  ): Promise<{ attachment: Attachment } | { problem: string }> {
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return { problem: 'there is no such file' };
    }
    const roots = await Promise.all(this.#roots.map((root) => realpath(root).catch(() => root)));
    if (!roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep))) {
      return { problem: 'files can only be sent from the working directory or the media folder' };
    }
    let size: number;
    try {
      const info = await stat(real);
      if (!info.isFile()) return { problem: 'it is not a file' };
      size = info.size;
    } catch (error) {
      return { problem: `it cannot be read (${errorText(error)})` };
    }
    if (size > this.#deps.media.maxBytes) {
      return {
        problem: `it is ${formatBytes(size)}, over the limit of ${formatBytes(this.#deps.media.maxBytes)}`,
      };
    }
    let data: Buffer;
    try {
      data = await readFile(real);
    } catch (error) {
      return { problem: `it cannot be read (${errorText(error)})` };
    }
    const fileName = basename(path);
    const mimeType = resolveType(data, undefined, fileName);
    let kind: Attachment['kind'] = MODEL_IMAGE_TYPES.has(mimeType)
      ? 'image'
      : mimeType.startsWith('video/')
        ? 'video'
        : 'file';
    if (kind === 'image' && caps && !caps.images) kind = 'file';
    if (kind !== 'image' && caps && !caps.files) {
      return { problem: 'this platform cannot receive files' };
    }
    let stored: { path: string; sizeBytes: number };
    try {
      stored = await this.#deps.media.put(data, mimeType, fileName);
    } catch (error) {
      return { problem: `it could not be copied to the media folder (${errorText(error)})` };
    }
    return {
      attachment: { kind, url: stored.path, mimeType, fileName, sizeBytes: stored.sizeBytes },
    };
  }
}

/** The named paths made absolute (relative ones against the working directory). */
function namedPaths(paths: readonly string[], workingDir: string): string[] {
  return paths.map((p) => (isAbsolute(p) ? resolve(p) : resolve(workingDir, p)));
}
