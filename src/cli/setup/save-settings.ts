/**
 * Saving what setup gathered: the variables go to `$HERMES_HOME/.env`, the DM
 * pairing choice to `gateway.platforms.<name>` of config.yaml (comments and
 * other keys kept; a missing file starts as the gateway's starter config).
 * Both files end up readable by the owner only (0600).
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { writeEnvFile } from '../../config/env-file.ts';
import { ensureHome } from '../../config/home.ts';
import { configPath } from '../../config/load-config.ts';
import { writeStarterConfig } from '../../config/starter-config.ts';

/** What to save for one platform. */
export interface PlatformSettings {
  platform: string;
  /** Variables for `.env` (credentials, allowlist). */
  variables: Record<string, string>;
  /** `unauthorized_dm_behavior`: answer strangers' DMs with a pairing code, or ignore them. */
  dmPairing?: 'pair' | 'ignore';
}

/** Where the settings went. */
export interface SavedFiles {
  envFile: string;
  configFile: string;
  /** True when config.yaml did not exist and was created as the starter config. */
  createdConfig: boolean;
}

/** Sets `gateway.platforms.<name>` keys in config.yaml, turning the platform on. */
function writePlatformSection(home: string, settings: PlatformSettings): void {
  const path = configPath(home);
  const doc = parseDocument(readFileSync(path, 'utf8'));
  const at = ['gateway', 'platforms', settings.platform];
  const platforms = doc.getIn(['gateway', 'platforms'], true);
  // the starter writes `platforms: {}`; a block mapping reads better once it has entries
  if (isMap(platforms)) platforms.flow = false;
  if (doc.getIn([...at, 'enabled']) === false) doc.deleteIn([...at, 'enabled']);
  if (settings.dmPairing) doc.setIn([...at, 'unauthorized_dm_behavior'], settings.dmPairing);
  else if (!doc.hasIn(at)) doc.setIn(at, doc.createNode({}));
  const section = doc.getIn(at, true);
  if (isMap(section)) section.flow = false;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, doc.toString(), { encoding: 'utf8', mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/**
 * Writes the platform's variables to `.env` and its section to config.yaml.
 *
 * @example
 * saveSettings(home, { platform: 'telegram', variables: { TELEGRAM_BOT_TOKEN: '…' }, dmPairing: 'pair' });
 */
export function saveSettings(home: string, settings: PlatformSettings): SavedFiles {
  ensureHome(home);
  const createdConfig = !existsSync(configPath(home)) && writeStarterConfig(home) !== undefined;
  writePlatformSection(home, settings);
  const envFile = writeEnvFile(home, settings.variables);
  return { envFile, configFile: configPath(home), createdConfig };
}
