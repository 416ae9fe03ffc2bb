/**
 * Matrix: `whoami` with the access token. With a password instead, either a
 * password login (setup, before saving) or only whether the homeserver
 * answers (doctor: a login would sign the gateway's device in again).
 */
import { DEFAULT_DEVICE_ID } from '../matrix/credentials.ts';
import type { MatrixOptions } from '../matrix/matrix-options.ts';
import { field, isAnswer, probeFetch, unexpectedAnswer } from './probe-fetch.ts';
import { type ProbeContext, type ProbeResult, refused } from './probe-result.ts';

/** Logs in with the password; the access token, or the result that ends the probe. */
async function passwordLogin(
  hs: string,
  options: MatrixOptions,
  ctx: ProbeContext,
): Promise<string | ProbeResult> {
  const variable = 'MATRIX_PASSWORD';
  const answer = await probeFetch(
    variable,
    `${hs}/_matrix/client/v3/login`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: options.userId },
        password: options.password,
        device_id: options.deviceId ?? DEFAULT_DEVICE_ID,
      }),
    },
    ctx.timeoutMs,
  );
  if (!isAnswer(answer)) return answer;
  const token = field(answer.body, 'access_token');
  if (answer.status === 200 && typeof token === 'string') return token;
  if (answer.status === 401 || answer.status === 403) {
    return refused(
      variable,
      `the homeserver refused the login (${answer.status} ${String(field(answer.body, 'errcode') ?? '')})`.trim(),
      'check MATRIX_USER_ID and MATRIX_PASSWORD of the bot account',
    );
  }
  return unexpectedAnswer(variable, `${hs} login`, answer);
}

/** Asks the homeserver whose access token this is. */
export async function probeMatrix(options: MatrixOptions, ctx: ProbeContext): Promise<ProbeResult> {
  const hs = options.homeserverUrl.trim().replace(/\/+$/, '');
  let token = options.accessToken?.trim();
  if (!token && !ctx.loginWithPassword) {
    const answer = await probeFetch('MATRIX_HOMESERVER', `${hs}/_matrix/client/versions`, {}, ctx.timeoutMs);
    if (!isAnswer(answer)) return answer;
    if (answer.status !== 200)
      return unexpectedAnswer('MATRIX_HOMESERVER', `${hs}/_matrix/client/versions`, answer);
    return {
      status: 'ok',
      account: String(options.userId ?? hs),
      note: `${hs} answers; the password login is not tried here (it would sign the device in again)`,
    };
  }
  if (!token) {
    const login = await passwordLogin(hs, options, ctx);
    if (typeof login !== 'string') return login;
    token = login;
  }
  const variable = 'MATRIX_ACCESS_TOKEN';
  const answer = await probeFetch(
    variable,
    `${hs}/_matrix/client/v3/account/whoami`,
    { headers: { authorization: `Bearer ${token}` } },
    ctx.timeoutMs,
  );
  if (!isAnswer(answer)) return answer;
  if (answer.status === 200 && field(answer.body, 'user_id')) {
    return { status: 'ok', account: String(field(answer.body, 'user_id')) };
  }
  if (answer.status === 401 || answer.status === 403) {
    return refused(
      variable,
      `the homeserver refused the access token (${answer.status} ${String(field(answer.body, 'errcode') ?? '')})`.trim(),
      'create a new access token (Element: Settings → Help & About → Access Token) or set MATRIX_USER_ID and MATRIX_PASSWORD instead',
    );
  }
  return unexpectedAnswer(variable, 'Matrix whoami', answer);
}
