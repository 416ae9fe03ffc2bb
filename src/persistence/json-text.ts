/**
 * JSON documents as stored text. Values are serialised when a write is made
 * (not when its batch runs), so a value that cannot be stored is refused on
 * its own; text read back is parsed into a coded error when corrupt.
 */
import { type ErrorCode, GatewayError } from '../errors.ts';

/**
 * Serialises a value to JSON text before it is queued, so a value that cannot
 * be stored is refused on its own instead of rolling back a whole batch.
 *
 * @throws GatewayError `GATEWAY_ERR_STORE` when the value has no JSON form (undefined, cycles, BigInt).
 */
export function toJsonText(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayError('GATEWAY_ERR_STORE', `Cannot store ${what}: ${reason}`, {}, { cause: error });
  }
  if (text === undefined) {
    throw new GatewayError('GATEWAY_ERR_STORE', `Cannot store ${what}: it has no JSON form`);
  }
  return text;
}

/**
 * Parses JSON text read back from the database.
 *
 * @param code - `GATEWAY_ERR_SNAPSHOT` for actor snapshots, `GATEWAY_ERR_STORE` otherwise
 * @throws GatewayError with `code` when the text is not valid JSON
 */
export function fromJsonText<T>(text: string, what: string, code: ErrorCode = 'GATEWAY_ERR_STORE'): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayError(code, `${what} holds corrupt JSON: ${reason}`, {}, { cause: error });
  }
}
