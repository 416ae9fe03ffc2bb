/**
 * What `hermes gateway setup` asks for each platform, in order. Each answer is
 * one of the platform's variables; a choice picks one of several ways to log in.
 * Descriptions, secrecy and validation come from the platform's own settings.
 */

/** One question or one choice between ways to configure the platform. */
export type CredentialStep =
  | { ask: string; optional?: boolean }
  | {
      choose: string;
      options: readonly { label: string; hint?: string; steps: readonly CredentialStep[] }[];
    };

/** The steps of every platform the wizard asks credentials for (WhatsApp links instead). */
export const CREDENTIAL_STEPS: Readonly<Record<string, readonly CredentialStep[]>> = {
  telegram: [{ ask: 'TELEGRAM_BOT_TOKEN' }],
  discord: [{ ask: 'DISCORD_BOT_TOKEN' }],
  slack: [
    { ask: 'SLACK_BOT_TOKEN' },
    {
      choose: 'How should Slack reach the gateway?',
      options: [
        { label: 'Socket Mode', hint: 'no public URL needed', steps: [{ ask: 'SLACK_APP_TOKEN' }] },
        { label: 'Events API', hint: 'a public HTTPS URL', steps: [{ ask: 'SLACK_SIGNING_SECRET' }] },
      ],
    },
  ],
  matrix: [
    { ask: 'MATRIX_HOMESERVER' },
    {
      choose: 'How does the bot log in?',
      options: [
        { label: 'Access token', steps: [{ ask: 'MATRIX_ACCESS_TOKEN' }] },
        { label: 'User id and password', steps: [{ ask: 'MATRIX_USER_ID' }, { ask: 'MATRIX_PASSWORD' }] },
      ],
    },
  ],
  email: [
    { ask: 'EMAIL_ADDRESS' },
    { ask: 'EMAIL_PASSWORD' },
    { ask: 'EMAIL_IMAP_HOST', optional: true },
    { ask: 'EMAIL_IMAP_PORT', optional: true },
    { ask: 'EMAIL_SMTP_HOST', optional: true },
    { ask: 'EMAIL_SMTP_PORT', optional: true },
  ],
};

/** What an allowlist entry looks like on each platform. */
export const ALLOWLIST_HINTS: Readonly<Record<string, string>> = {
  telegram: 'numeric user ids, e.g. 123456789 (ask @userinfobot)',
  discord: 'user ids (Developer Mode → Copy User ID)',
  slack: 'member ids, e.g. U012ABCDEF (profile → ⋯ → Copy member ID)',
  whatsapp: 'phone numbers with country code, digits only, e.g. 15551234567',
  matrix: 'user ids, e.g. @alice:example.org',
  email: 'full addresses, e.g. alice@example.com',
};

/** What one allowlist entry must look like, where the platform's ids have a fixed form. */
const ENTRY_PATTERNS: Readonly<Record<string, RegExp>> = {
  telegram: /^\d+$/,
  discord: /^\d+$/,
  slack: /^[UW][A-Z0-9]+$/,
  whatsapp: /^\d{6,15}$/,
  matrix: /^@[^:\s]+:\S+$/,
  email: /^[^\s@]+(@[^\s@]+)?$/,
};

/**
 * Why an allowlist text is refused (undefined when it is fine): each
 * comma-separated entry must have the platform's form, or be `*` for everyone.
 *
 * @example
 * allowlistProblem('telegram', '123, @alice') // '"@alice" is not one of numeric user ids, …'
 */
export function allowlistProblem(platform: string, text: string): string | undefined {
  const pattern = ENTRY_PATTERNS[platform];
  if (!pattern) return undefined;
  const wrong = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry && entry !== '*' && !pattern.test(entry));
  if (wrong.length === 0) return undefined;
  return `${wrong.map((entry) => JSON.stringify(entry)).join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not ${ALLOWLIST_HINTS[platform]}`;
}
