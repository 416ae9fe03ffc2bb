/**
 * Linking the gateway as a WhatsApp device: the QR code in the log, the
 * pairing code for WHATSAPP_PAIRING_NUMBER, and `linkWhatsApp` for the setup
 * wizard (credentials saved in <HERMES_HOME>/whatsapp/auth).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DisconnectReason } from 'baileys';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { linkWhatsApp, WhatsAppAdapter } from '../../../src/adapters/whatsapp/index.ts';
import { GatewayError } from '../../../src/errors.ts';
import { BOT_JID, FakeWhatsApp } from './fake-whatsapp.ts';
import { makeRig, tempHome, testContext, type WhatsAppRig } from './harness.ts';

/** Characters qrcode-terminal draws a small QR code with. */
const QR_BLOCKS = /[▀▄█]{8,}/;

async function savedCreds(home: string): Promise<{ registered?: boolean; me?: { id: string } }> {
  return JSON.parse(await readFile(join(home, 'whatsapp', 'auth', 'creds.json'), 'utf8'));
}

/** Waits until the credentials written in the background match. */
function credsSaved(home: string, expected: object): Promise<unknown> {
  return vi.waitFor(async () => expect(await savedCreds(home)).toMatchObject(expected));
}

describe('linking by QR code', () => {
  let rig: WhatsAppRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('prints the QR code in the log, tells the user where to scan it, and connects once scanned', async () => {
    rig = await makeRig({ linked: false });
    const t = testContext();
    let started = false;
    const starting = rig.adapter.start(t.ctx).then(() => {
      started = true;
    });
    await vi.waitFor(() => expect(t.lines(/Linked devices/)).toHaveLength(1));
    const qrLines = t.logs.filter((l) => QR_BLOCKS.test(l.msg ?? ''));
    expect(qrLines).toHaveLength(1);
    expect(qrLines[0]?.level).toBe('info');
    expect(started).toBe(false);

    rig.fake.current.scan();
    await starting;
    // WhatsApp asks for a restart right after linking: the adapter reconnects at once
    expect(rig.fake.sockets).toHaveLength(2);
    expect(t.errors).toEqual([]);
    expect(t.lines(/WhatsApp connected/)).toHaveLength(1);
    await credsSaved(rig.home, { registered: true, me: { id: BOT_JID } });
  });

  it('shows each refreshed QR code', async () => {
    rig = await makeRig({ linked: false });
    const t = testContext();
    const starting = rig.adapter.start(t.ctx);
    await vi.waitFor(() => expect(t.lines(/Linked devices/)).toHaveLength(1));
    rig.fake.current.showQr();
    expect(t.logs.filter((l) => QR_BLOCKS.test(l.msg ?? ''))).toHaveLength(2);
    rig.fake.current.scan();
    await starting;
  });
});

describe('linking by pairing code', () => {
  let rig: WhatsAppRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('requests a pairing code for the number and logs it instead of a QR code', async () => {
    rig = await makeRig({ linked: false, adapter: { pairingNumber: '15550000001' } });
    const t = testContext();
    const starting = rig.adapter.start(t.ctx);
    await vi.waitFor(() => expect(t.lines(/pairing code/)).toHaveLength(1));
    expect(rig.fake.pairingRequests).toEqual(['15550000001']);
    const [line] = t.lines(/pairing code/);
    expect(line?.msg).toContain('K7PQ-2XWM');
    expect(line?.obj).toMatchObject({ pairingCode: 'K7PQ2XWM' });
    // a refreshed QR from WhatsApp does not ask for another code, and no QR is printed
    rig.fake.current.showQr();
    expect(rig.fake.pairingRequests).toHaveLength(1);
    expect(t.logs.some((l) => QR_BLOCKS.test(l.msg ?? ''))).toBe(false);

    rig.fake.current.scan();
    await starting;
    await credsSaved(rig.home, { registered: true });
  });

  it('does not ask for a code when the device is already linked', async () => {
    rig = await makeRig({ linked: true, adapter: { pairingNumber: '15550000001' } });
    await rig.adapter.start(testContext().ctx);
    expect(rig.fake.pairingRequests).toEqual([]);
  });
});

describe('linkWhatsApp (hermes gateway setup)', () => {
  it('shows the QR code, resolves once linked with the credentials saved, and closes the connection', async () => {
    const { home, remove } = await tempHome();
    const fake = new FakeWhatsApp();
    const shown: string[] = [];
    const linking = linkWhatsApp({
      home,
      makeSocket: fake.makeSocket,
      onQr: (_qr, rendered) => shown.push(rendered),
    });
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatch(QR_BLOCKS);
    fake.current.scan();
    await expect(linking).resolves.toEqual({ id: BOT_JID, name: 'Hermes', alreadyLinked: false });
    expect(await savedCreds(home)).toMatchObject({ registered: true });
    expect(fake.sockets.every((s) => s.closed)).toBe(true);

    // the gateway then connects with the saved credentials, without a QR code
    const t = testContext();
    const adapter = new WhatsAppAdapter({ home, makeSocket: fake.makeSocket });
    await adapter.start(t.ctx);
    expect(t.lines(/Linked devices/)).toEqual([]);
    await adapter.stop();

    // linking again finds the device linked and leaves the gateway's connection alone
    const socketsBefore = fake.sockets.length;
    const again = await linkWhatsApp({ home, makeSocket: fake.makeSocket, onQr: () => shown.push('again') });
    expect(again).toEqual({ id: BOT_JID, name: 'Hermes', alreadyLinked: true });
    expect(fake.sockets).toHaveLength(socketsBefore);
    expect(shown).toHaveLength(1);
    await remove();
  });

  it('gives the pairing code for a phone number', async () => {
    const { home, remove } = await tempHome();
    const fake = new FakeWhatsApp();
    const codes: string[] = [];
    const linking = linkWhatsApp({
      home,
      pairingNumber: '4915112345678',
      makeSocket: fake.makeSocket,
      onCode: (code) => codes.push(code),
    });
    await vi.waitFor(() => expect(codes).toEqual(['K7PQ2XWM']));
    expect(fake.pairingRequests).toEqual(['4915112345678']);
    fake.current.scan();
    await expect(linking).resolves.toMatchObject({ alreadyLinked: false });
    await remove();
  });

  it('relinks a device the phone logged out: the adapter reports needs_relink, relink: true links afresh', async () => {
    const { home, remove } = await tempHome();
    const fake = new FakeWhatsApp();
    await linkWhatsApp({ home, makeSocket: fake.makeSocket, onQr: () => fake.current.scan() });
    const t = testContext();
    const adapter = new WhatsAppAdapter({ home, makeSocket: fake.makeSocket });
    await adapter.start(t.ctx);
    fake.current.close(DisconnectReason.loggedOut);
    expect(t.lines(/needs relink/)).toHaveLength(1);
    await adapter.stop();

    const shown: string[] = [];
    const relinking = linkWhatsApp({
      home,
      relink: true,
      makeSocket: fake.makeSocket,
      onQr: (qr) => shown.push(qr),
    });
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    fake.current.scan();
    await expect(relinking).resolves.toMatchObject({ alreadyLinked: false });

    const restarted = testContext();
    await adapter.start(restarted.ctx);
    expect(restarted.lines(/WhatsApp connected/)).toHaveLength(1);
    await adapter.stop();
    await remove();
  });

  it('stops when cancelled', async () => {
    const { home, remove } = await tempHome();
    const fake = new FakeWhatsApp();
    const controller = new AbortController();
    const linking = linkWhatsApp({
      home,
      makeSocket: fake.makeSocket,
      onQr: () => controller.abort(),
      signal: controller.signal,
    });
    await expect(linking).rejects.toSatisfy(
      (e) => e instanceof GatewayError && e.code === 'GATEWAY_ERR_ABORTED',
    );
    expect(fake.sockets.every((s) => s.closed)).toBe(true);
    await remove();
  });
});
