/**
 * Media types of files: what a file is, by its first bytes, its name or what
 * the platform said, and which types a model can read as text or see as an image.
 */

/** File name extension (without the dot) → media type, for the types the gateway meets most. */
const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  json: 'application/json',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  toml: 'application/toml',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  ts: 'text/x-typescript',
  tsx: 'text/x-typescript',
  jsx: 'text/javascript',
  py: 'text/x-python',
  rb: 'text/x-ruby',
  go: 'text/x-go',
  rs: 'text/x-rust',
  java: 'text/x-java',
  kt: 'text/x-kotlin',
  c: 'text/x-c',
  h: 'text/x-c',
  cpp: 'text/x-c++',
  hpp: 'text/x-c++',
  cs: 'text/x-csharp',
  php: 'text/x-php',
  sh: 'text/x-shellscript',
  sql: 'application/sql',
  ini: 'text/plain',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** Media type → the extension files of that type get in the media store. */
const EXTENSION_OF: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/svg+xml': 'svg',
  'application/pdf': 'pdf',
  'application/json': 'json',
  'text/csv': 'csv',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
};

/** The generic type of bytes nobody could name. */
export const OCTET_STREAM = 'application/octet-stream';

/** Image types an OpenAI-compatible vision model accepts as `image_url`. */
export const MODEL_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

/** Application types that are text a model can read. */
const TEXT_APPLICATION_TYPES = new Set([
  'application/json',
  'application/ld+json',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/sql',
  'application/javascript',
  'application/x-sh',
  'application/x-ndjson',
  'application/csv',
]);

/** The media type without parameters, in lower case (`Text/Plain; charset=utf-8` → `text/plain`). */
export function baseType(mimeType: string): string {
  return mimeType.split(';')[0]!.trim().toLowerCase();
}

/** The media type a file name suggests, if its extension is known. */
export function typeOfFileName(fileName: string | undefined): string | undefined {
  const dot = fileName?.lastIndexOf('.') ?? -1;
  if (!fileName || dot < 0) return undefined;
  return BY_EXTENSION[fileName.slice(dot + 1).toLowerCase()];
}

/** The media type the first bytes of a file show, for the formats with a clear signature. */
export function sniffType(data: Uint8Array): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && data[8] === 0x57 && data[9] === 0x45 && data[10] === 0x42) {
    return 'image/webp';
  }
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  if (starts(0x4f, 0x67, 0x67, 0x53)) return 'audio/ogg';
  return undefined;
}

/**
 * The best media type of a file: what its bytes show for images and other
 * signed formats (a platform may call a PNG `image/jpeg`), else what the
 * platform said, else what its name suggests, else `application/octet-stream`.
 *
 * @example
 * resolveType(pngBytes, 'image/jpeg', 'cat.png'); // 'image/png'
 */
export function resolveType(
  data: Uint8Array | undefined,
  declared: string | undefined,
  fileName: string | undefined,
): string {
  const sniffed = data ? sniffType(data) : undefined;
  if (sniffed) return sniffed;
  if (declared && baseType(declared) !== OCTET_STREAM) return baseType(declared);
  return typeOfFileName(fileName) ?? (declared ? baseType(declared) : OCTET_STREAM);
}

/** The extension (without the dot) a file of this type is stored with; `bin` when unknown. */
export function extensionOf(mimeType: string, fileName?: string): string {
  const known = EXTENSION_OF[baseType(mimeType)];
  if (known) return known;
  const dot = fileName?.lastIndexOf('.') ?? -1;
  const fromName = fileName && dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  return /^[a-z0-9]{1,8}$/.test(fromName) ? fromName : 'bin';
}

/**
 * Whether a file of this type (and name) is text a model can read inline:
 * `text/*`, JSON, XML, YAML, CSV, source code and the like.
 *
 * @example
 * isTextType('application/json'); // true
 * isTextType('application/octet-stream', 'main.rs'); // true
 */
export function isTextType(mimeType: string, fileName?: string): boolean {
  const type = baseType(mimeType);
  if (type.startsWith('text/')) return true;
  if (TEXT_APPLICATION_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml')) return true;
  if (type === OCTET_STREAM) {
    const byName = typeOfFileName(fileName);
    return byName !== undefined && byName !== OCTET_STREAM && isTextType(byName);
  }
  return false;
}

/** A size for people: `512 B`, `12.3 KB`, `4.5 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trim(bytes / 1024)} KB`;
  return `${trim(bytes / (1024 * 1024))} MB`;
}

function trim(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
}
