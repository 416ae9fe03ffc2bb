/**
 * Pairing codes: 8 characters from a 32-character alphabet without the look-alikes
 * 0/O and 1/I, drawn from a cryptographic source, and stored only as a salted
 * scrypt hash compared in constant time.
 */
import { randomBytes, randomInt, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** The characters of a pairing code (no 0, O, 1 or I). */
export const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Characters in a pairing code. */
export const PAIRING_CODE_LENGTH = 8;

/** scrypt cost (N) of new hashes. */
export const DEFAULT_HASH_COST = 16_384;

const HASH_BLOCK_SIZE = 8;
const HASH_PARALLELISM = 1;
const HASH_BYTES = 32;
const SALT_BYTES = 16;
const MAX_HASH_COST = 1 << 20;

/** A uniform random integer in [0, max); `crypto.randomInt` by default. */
export type RandomInt = (max: number) => number;

/** The cryptographic source codes are drawn from. */
export const cryptoRandomInt: RandomInt = (max) => randomInt(max);

/**
 * A new pairing code.
 *
 * @param random - source of uniform integers (tests inject a fixed one)
 * @example
 * generatePairingCode() // 'XKGH5N7P'
 */
export function generatePairingCode(random: RandomInt = cryptoRandomInt): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i += 1) {
    const index = random(PAIRING_ALPHABET.length);
    code += PAIRING_ALPHABET.charAt(index);
  }
  return code;
}

/** A code as typed by the owner, made comparable: surrounding spaces removed, upper case. */
export function normalizePairingCode(input: string): string {
  return input.trim().toUpperCase();
}

/** Whether `code` has the shape of a pairing code (length and alphabet). */
export function isPairingCodeShape(code: string): boolean {
  return code.length === PAIRING_CODE_LENGTH && [...code].every((c) => PAIRING_ALPHABET.includes(c));
}

/** A stored hash: `scrypt$<N>$<r>$<p>$<base64>` and its hex salt. */
export interface PairingCodeHash {
  codeHash: string;
  salt: string;
}

function scryptAsync(code: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(code, salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function scryptOptions(cost: number): ScryptOptions {
  return { N: cost, r: HASH_BLOCK_SIZE, p: HASH_PARALLELISM, maxmem: 256 * cost * HASH_BLOCK_SIZE };
}

/**
 * Hashes a code with a fresh random salt.
 *
 * @param cost - scrypt N (a power of two); lower only in tests
 */
export async function hashPairingCode(code: string, cost = DEFAULT_HASH_COST): Promise<PairingCodeHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(code, salt, scryptOptions(cost));
  return {
    codeHash: `scrypt$${cost}$${HASH_BLOCK_SIZE}$${HASH_PARALLELISM}$${key.toString('base64')}`,
    salt: salt.toString('hex'),
  };
}

/**
 * Whether `code` is the code behind a stored hash (constant-time comparison).
 * A hash in an unknown format never matches.
 */
export async function verifyPairingCode(code: string, stored: PairingCodeHash): Promise<boolean> {
  const [scheme, n, r, p, digest] = stored.codeHash.split('$');
  if (scheme !== 'scrypt' || digest === undefined) return false;
  const cost = Number(n);
  if (!Number.isInteger(cost) || cost < 2 || cost > MAX_HASH_COST || Number(r) !== HASH_BLOCK_SIZE)
    return false;
  if (Number(p) !== HASH_PARALLELISM) return false;
  const expected = Buffer.from(digest, 'base64');
  if (expected.length !== HASH_BYTES) return false;
  const actual = await scryptAsync(code, Buffer.from(stored.salt, 'hex'), scryptOptions(cost));
  return timingSafeEqual(actual, expected);
}
