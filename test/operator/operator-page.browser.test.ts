/**
 * The operator page in a real browser (Debian's chromium through playwright-core):
 * log in, watch a session's highlighted state move on its diagram when a
 * message arrives, stop the run, and pause the platform from the page so its
 * next message is not run. Skipped with a visible reason when /usr/bin/chromium
 * is missing; a failure under CI=true, where it must be installed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type OperatorGateway, startOperatorGateway, TOKEN } from './operator-gateway.ts';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (apt-get install -y chromium)`;
const SESSION = 'chat:dm:1';

if (missing && process.env.CI === 'true') {
  describe('operator page in a browser', () => {
    it('needs chromium', () => {
      throw new Error(`chromium is required under CI: ${missing}`);
    });
  });
} else {
  if (missing) console.warn(`[operator page] browser test skipped: ${missing}`);
  describe.skipIf(!!missing)('operator page in a browser', () => {
    let og: OperatorGateway;
    let profile: string;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      og = await startOperatorGateway();
      profile = await mkdtemp(join(tmpdir(), 'hermes-operator-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      page = context.pages()[0] ?? (await context.newPage());
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await og?.stop();
      if (profile?.startsWith(tmpdir())) await rm(profile, { recursive: true, force: true });
    });

    /** The diagram nodes highlighted on a card. */
    const highlighted = (selector: string) =>
      page.$$eval(`${selector} .diagram g.node.current title`, (titles) => titles.map((t) => t.textContent));

    it('logs in, follows a session on its diagram, stops its run, and pauses the platform', async () => {
      // only the gateway's own origin is contacted
      const foreign: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(og.url)) foreign.push(request.url());
      });

      await page.goto(`${og.url}/`);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#token', TOKEN);
      await Promise.all([page.waitForURL(`${og.url}/`), page.click('button[type=submit]')]);
      await page.waitForSelector('#connection:not(.off)');

      // the platform's breaker is shown running, highlighted on the breaker diagram
      const platform = 'article.platform[data-key="chat"]';
      await page.waitForSelector(`${platform} .diagram g.node.current`);
      expect(await page.textContent(`${platform} .status`)).toBe('running');
      expect(await highlighted(platform)).toContain('state:breaker.dispatch.running');

      // a message arrives: the session appears, highlighted in running.working
      const session = `article.session[data-key="${SESSION}"]`;
      await og.chat.receive({ chatId: '1', text: 'slow job' });
      await page.waitForSelector(`${session}[data-state="running.working"] .diagram g.node.current`);
      expect(await highlighted(session)).toEqual(['state:session.running.working']);
      expect(await page.textContent(`${session} .messages.answering`)).toContain('slow job');

      // stop the run from the page: the highlight moves back to idle
      await page.click(`${session} button[data-action="stop"]`);
      await page.waitForSelector(`${session}[data-state="idle"]`);
      await vi.waitFor(async () => expect(await highlighted(session)).toEqual(['state:session.idle']));

      // pause the platform from the page: its next message is not run
      await page.click(`${platform} button[data-action="pause"]`);
      await page.waitForSelector(`${platform} .status-paused`);
      await vi.waitFor(async () =>
        expect(await page.getAttribute(`${platform} .diagram`, 'data-current')).toContain('dispatch.paused'),
      );
      expect(og.gateway.platforms()[0]!.status).toBe('paused');
      const runsBefore = og.agent.runs.length;
      const result = await og.chat.receive({ chatId: '1', text: 'hello while paused' });
      expect(result.refused).toBe('ignore');
      await og.gateway.settled();
      expect(og.agent.runs.length).toBe(runsBefore);
      expect(await page.getAttribute(session, 'data-state')).toBe('idle');
      expect(await page.$(`${platform} button[data-action="resume"]`)).not.toBeNull();

      const shot = join(profile, 'operator.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = await readFile(shot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(foreign).toEqual([]);
    }, 60_000);
  });
}
