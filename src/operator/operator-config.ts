/**
 * `operator:` in config.yaml: the live operator page's own loopback listener.
 * A host other than loopback is refused unless a token of at least 16
 * characters is set; without a token the API server key is the login.
 */
import { z } from 'zod';

/** The shortest operator token accepted (the same floor as the API server key). */
export const OPERATOR_TOKEN_MIN_LENGTH = 16;

/** Whether a host name or address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The `operator` section. */
export const OperatorSchema = z
  .strictObject({
    /** Serve the operator page (default false). */
    enabled: z.boolean().default(false),
    /** Interface to listen on; loopback by default. Another host needs `token`. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 asks the operating system for a free port. */
    port: z.number().int().min(0).max(65535).default(8644),
    /** The login; absent: the API server key (`api_server.key`) is the login. */
    token: z.string().optional(),
  })
  .superRefine((operator, ctx) => {
    const token = operator.token;
    if (token !== undefined && token.trim().length < OPERATOR_TOKEN_MIN_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `is ${token.trim().length} characters long; the operator page needs at least ${OPERATOR_TOKEN_MIN_LENGTH}`,
        params: {
          fix: `set operator.token to a random string of at least ${OPERATOR_TOKEN_MIN_LENGTH} characters (for example the output of \`openssl rand -hex 24\`)`,
        },
      });
    }
    if (!isLoopbackHost(operator.host) && token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: `is ${operator.host}, which other machines can reach; the operator page then needs its own token`,
        params: {
          fix:
            `set operator.token to a random string of at least ${OPERATOR_TOKEN_MIN_LENGTH} characters, ` +
            'or keep operator.host on 127.0.0.1 (reach it through an SSH tunnel or an HTTPS reverse proxy)',
        },
      });
    }
  });

/** The validated `operator` section. */
export type OperatorConfig = z.output<typeof OperatorSchema>;

/**
 * The problem with an enabled operator page that has no login: neither
 * `operator.token` nor `api_server.key` is set. Undefined when there is none.
 */
export function operatorLoginIssue(
  operator: Partial<OperatorConfig> | undefined,
  apiKey: unknown,
): { path: string[]; message: string; fix: string } | undefined {
  if (operator?.enabled !== true || operator.token !== undefined) return undefined;
  if (typeof apiKey === 'string' && apiKey.trim().length >= OPERATOR_TOKEN_MIN_LENGTH) return undefined;
  return {
    path: ['operator', 'token'],
    message: 'is missing: the operator page is enabled and needs a login (operator.token or api_server.key)',
    fix: `set operator.token to a random string of at least ${OPERATOR_TOKEN_MIN_LENGTH} characters, or set api_server.key (the page then accepts it as the login)`,
  };
}

/** The login the page accepts: `operator.token`, else the API server key. */
export function operatorLogin(operator: OperatorConfig, apiKey: string | undefined): string | undefined {
  return operator.token ?? apiKey;
}
