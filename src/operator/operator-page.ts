/**
 * The HTML of the operator page and its login form. The page loads only what
 * the operator server itself serves: its stylesheet, its ES module, and
 * `@xstate/store` from the installed package through an import map.
 */
import { createHash } from 'node:crypto';

/** Where the page's import map finds `@xstate/store`. */
export const STORE_MODULE_PATH = '/vendor/xstate-store/xstate-store.js';

/** The page's import map (inline, allowed by its hash in the Content-Security-Policy). */
const IMPORT_MAP = JSON.stringify({ imports: { '@xstate/store': STORE_MODULE_PATH } });

/** The Content-Security-Policy of every page: only this server's own files, no inline script but the import map. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The login form; `failed` shows that the last token was wrong. */
export function loginPage(failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hermes operator: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/operator.css"></head>
<body class="login">
<form method="post" action="/login" id="login">
<h1>hermes operator</h1>
<label for="token">Operator token (or the API server key)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${failed ? '<p class="error" role="alert">Wrong token.</p>' : ''}
<button type="submit">Log in</button>
</form>
</body></html>`;
}

/** The operator page of a logged-in operator; `csrf` is the token its actions send back. */
export function operatorPage(csrf: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hermes operator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="operator-csrf" content="${escapeHtml(csrf)}">
<link rel="stylesheet" href="/assets/operator.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/assets/operator.js"></script>
</head>
<body>
<header>
<h1>hermes operator</h1>
<span id="gateway-state" class="badge">connecting…</span>
<span id="connection" class="badge off">offline</span>
<form method="post" action="/logout"><button type="submit">Log out</button></form>
</header>
<p id="notice" role="status"></p>
<main>
<section><h2>Platforms</h2><div id="platforms" class="cards"></div></section>
<section><h2>Sessions</h2><div id="sessions" class="cards"></div>
<form id="lookup"><label for="lookup-key">Inspect a session by key</label>
<input id="lookup-key" name="key" placeholder="telegram:dm:12345"><button type="submit">Inspect</button></form>
<pre id="lookup-result"></pre></section>
<section><h2>Background tasks</h2><div id="tasks" class="cards"></div></section>
</main>
</body></html>`;
}
