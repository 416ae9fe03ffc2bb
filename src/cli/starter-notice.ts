/**
 * What the CLI tells a new user after writing the starter config: where it is,
 * the API key and a curl command that talks to the gateway.
 */
import type { StarterConfig } from '../config/starter-config.ts';

const API_SERVER_VARIABLES = ['API_SERVER_ENABLED', 'API_SERVER_HOST', 'API_SERVER_PORT', 'API_SERVER_KEY'];

/** The notice printed to stderr when the starter config was just written. */
export function starterNotice(starter: StarterConfig, env: NodeJS.ProcessEnv): string {
  const overridden = API_SERVER_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  const lines = [
    `Created a starter configuration: ${starter.path}`,
    'The OpenAI-compatible API server listens on http://127.0.0.1:8642/v1 with this key:',
    `  ${starter.apiKey}`,
    'Try it:',
    '  curl http://127.0.0.1:8642/v1/chat/completions \\',
    `    -H "Authorization: Bearer ${starter.apiKey}" \\`,
    '    -H "Content-Type: application/json" \\',
    `    -d '{"model":"hermes-agent","messages":[{"role":"user","content":"Hello"}]}'`,
  ];
  if (overridden.length > 0) {
    lines.push(`Note: ${overridden.join(', ')} set in the environment override these settings.`);
  }
  return `${lines.join('\n')}\n`;
}
