/**
 * The operator page's login: the token (or API server key) checked in constant
 * time, logins kept as random session ids in an HttpOnly SameSite=Strict cookie,
 * and a per-login CSRF token every action must carry in a header. Scripts may
 * send `Authorization: Bearer <token>` instead (no cookie, so no CSRF token).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie holding a login's session id. */
export const OPERATOR_COOKIE = 'hermes_operator';

/** The header an action sent with the login cookie must carry. */
export const CSRF_HEADER = 'x-operator-csrf';

/** How long a login lasts (12 hours). */
export const LOGIN_TTL_MS = 12 * 3_600_000;

/** Who made a request. */
export type OperatorCaller =
  | { via: 'bearer' }
  | { via: 'cookie'; sessionId: string; csrf: string }
  | { via: 'none'; reason: 'missing' | 'invalid' };

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The logins of one operator server.
 *
 * @example
 * const auth = new OperatorAuth(token, Date.now);
 * const login = auth.login(submitted); // undefined when wrong
 * reply.header('set-cookie', auth.cookie(login.sessionId, false));
 */
export class OperatorAuth {
  readonly #expected: Buffer;
  readonly #now: () => number;
  readonly #logins = new Map<string, { csrf: string; expiresAt: number }>();

  constructor(token: string, now: () => number = Date.now) {
    this.#expected = sha256(token.trim());
    this.#now = now;
  }

  /** Whether `candidate` is the login token. */
  matches(candidate: unknown): boolean {
    return typeof candidate === 'string' && timingSafeEqual(sha256(candidate.trim()), this.#expected);
  }

  /** Starts a login for the right token; undefined for a wrong one. */
  login(candidate: unknown): { sessionId: string; csrf: string } | undefined {
    if (!this.matches(candidate)) return undefined;
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    this.#logins.set(sessionId, { csrf, expiresAt: this.#now() + LOGIN_TTL_MS });
    return { sessionId, csrf };
  }

  /** Ends a login. */
  logout(sessionId: string): void {
    this.#logins.delete(sessionId);
  }

  /** Who made a request, from its `Authorization` and `Cookie` headers. */
  caller(headers: { authorization?: string | undefined; cookie?: string | undefined }): OperatorCaller {
    const authorization = headers.authorization?.trim();
    if (authorization) {
      const match = /^Bearer[ \t]+(.+)$/i.exec(authorization);
      return match && this.matches(match[1]) ? { via: 'bearer' } : { via: 'none', reason: 'invalid' };
    }
    const sessionId = cookieValue(headers.cookie, OPERATOR_COOKIE);
    if (!sessionId) return { via: 'none', reason: 'missing' };
    const login = this.#logins.get(sessionId);
    if (!login || login.expiresAt <= this.#now()) {
      this.#logins.delete(sessionId);
      return { via: 'none', reason: 'invalid' };
    }
    return { via: 'cookie', sessionId, csrf: login.csrf };
  }

  /** Whether a state-changing request may proceed: a bearer caller, or a cookie caller with its CSRF header. */
  mayAct(caller: OperatorCaller, csrfHeader: string | string[] | undefined): boolean {
    if (caller.via === 'bearer') return true;
    if (caller.via !== 'cookie' || typeof csrfHeader !== 'string') return false;
    const a = sha256(csrfHeader);
    return timingSafeEqual(a, sha256(caller.csrf));
  }

  /** The `Set-Cookie` value of a login (`Secure` when the page is served over HTTPS). */
  cookie(sessionId: string, secure: boolean): string {
    return `${OPERATOR_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${LOGIN_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
  }

  /** The `Set-Cookie` value that removes the login cookie. */
  clearCookie(): string {
    return `${OPERATOR_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }
}
