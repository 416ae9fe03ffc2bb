/** What setup tells after saving: the variable names and files, never a value. */
import type { SavedFiles } from './save-settings.ts';

/**
 * Lines naming what was saved where, with a warning for each variable that the
 * current environment sets to another value (the environment wins over `.env`).
 */
export function describeSaved(
  saved: SavedFiles,
  values: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
): string {
  const names = Object.keys(values);
  const lines = [`Saved ${names.join(', ')} to ${saved.envFile} (mode 0600).`];
  lines.push(
    saved.createdConfig
      ? `Created ${saved.configFile} (mode 0600) with the platform's settings; its API server key is in the file.`
      : `Updated ${saved.configFile} (mode 0600).`,
  );
  const shadowed = names.filter((name) => env[name] !== undefined && env[name] !== values[name]);
  if (shadowed.length > 0) {
    lines.push(
      `Note: ${shadowed.join(', ')} ${shadowed.length === 1 ? 'is' : 'are'} also set in this environment, which wins over .env when the gateway starts from it.`,
    );
  }
  return lines.join('\n');
}
