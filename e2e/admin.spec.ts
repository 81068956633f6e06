import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS_DIR, DATASET_DIR, hasDataset, launchChromium, makeFakeCamera } from './lib/browser.ts';
import { REPO_ROOT, startServer, type StartedServer } from './lib/server.ts';

// The marketer's journey in real Chromium against the real server binary: sign in, import the
// catalog (iconic photos + descriptions of the dataset), map a recognised label to three products,
// and watch a kiosk (a second browser context, the real kiosk at /) show them without a reload.

const LABEL = 'Oatly Oat Milk';
const PRODUCT_DIR = 'Oatly-Oat-Milk';
const MAPPED = ['Oatly-Natural-Oatghurt', 'Alpro-Fresh-Soy-Milk', 'Arla-Standard-Milk'];
const XSS_ID = 'xss-test';
const XSS_NAME = '<script>window.__xss = 1</script>';
const XSS_DESCRIPTION = '<img src=x onerror="window.__xss = 2">';
const SHOTS = join(ARTIFACTS_DIR, 'admin');
const distsBuilt = existsSync(join(REPO_ROOT, 'apps', 'admin', 'dist', 'index.html')) && existsSync(join(REPO_ROOT, 'apps', 'kiosk', 'dist', 'index.html'));

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Builds products.csv from classes.csv and the description files; returns it with the image paths. */
async function buildCatalog(dir: string): Promise<{ csv: string; images: string[]; count: number }> {
  const lines = readFileSync(join(DATASET_DIR, 'classes.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const rows = ['id,name,description,price,tags,image'];
  const images: string[] = [];
  for (const [i, line] of lines.entries()) {
    const [name = '', , coarse = '', , iconic = '', description = ''] = line.split(',');
    const local = (p: string): string => join(DATASET_DIR, 'iconic', p.replace(/^\/iconic-images-and-descriptions\//, ''));
    const text = existsSync(local(description)) ? readFileSync(local(description), 'utf8').trim() : '';
    const price = (0.99 + (i % 7)).toFixed(2);
    rows.push([name, name.replace(/-/g, ' '), text, price, coarse, iconic.split('/').pop() ?? ''].map(csvField).join(','));
    images.push(local(iconic));
  }
  // A product whose text is markup: both UIs must show it as text.
  rows.push([XSS_ID, XSS_NAME, XSS_DESCRIPTION, '0.50', 'test', ''].map(csvField).join(','));
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'products.csv');
  await writeFile(csv, rows.join('\n'));
  return { csv, images, count: lines.length + 1 };
}

/**
 * A seeded order history over the catalog ids: every 4th order holds Oatly Oat Milk with Banana
 * (the association to find), the rest are random baskets of three.
 */
async function buildOrders(dir: string, ids: string[]): Promise<string> {
  let seed = 12345;
  const pick = (): string => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return ids[seed % ids.length]!;
  };
  const lines = ['order_id,product_id,qty'];
  for (let o = 0; o < 2000; o++) {
    const basket = o % 4 === 0 ? [PRODUCT_DIR, 'Banana', pick()] : o % 4 === 1 ? [PRODUCT_DIR, pick(), pick()] : [pick(), pick(), pick()];
    for (const id of basket) lines.push(`ORD-${o},${id},${1 + (o % 3)}`);
  }
  const file = join(dir, 'orders.csv');
  await writeFile(file, lines.join('\n'));
  return file;
}

describe.skipIf(!hasDataset || !distsBuilt)('back office: catalog import and live recommendations', () => {
  let server: StartedServer;
  let browser: Browser;
  let adminCtx: BrowserContext;
  let kioskCtx: BrowserContext;
  let admin: Page;
  let kiosk: Page;
  let catalog: { csv: string; images: string[]; count: number };
  let orders: string;

  beforeAll(async () => {
    catalog = await buildCatalog(join(SHOTS, 'catalog'));
    orders = await buildOrders(join(SHOTS, 'catalog'), catalog.images.map((p) => p.split('/').pop()!.replace(/_Iconic\.jpg$/, '')));
    const trainDir = join(DATASET_DIR, 'train', PRODUCT_DIR);
    const photos = readdirSync(trainDir).sort().slice(0, 6).map((f) => join(trainDir, f));
    // The camera shows a photo that was taught: this test is about the back office, not accuracy.
    const video = await makeFakeCamera([photos[0]!], join(SHOTS, 'camera.y4m'), 2);
    server = await startServer();
    const form = new FormData();
    for (const p of photos) form.append('image', new Blob([readFileSync(p)], { type: 'image/jpeg' }), p.split('/').pop());
    const taught = await fetch(`${server.url}/api/labels/${encodeURIComponent(LABEL)}/examples`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
      body: form,
    });
    expect(taught.status, await taught.clone().text()).toBe(201);
    browser = await launchChromium({ fakeCamera: video });
    adminCtx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    kioskCtx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    admin = await adminCtx.newPage();
    // With the kiosk token stored (as staff would after unlocking teach mode) the kiosk reports analytics.
    await kioskCtx.addInitScript((token) => localStorage.setItem('smartmirror.kioskToken', token), server.kioskToken);
    kiosk = await kioskCtx.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with the admin token into an HttpOnly, SameSite=Strict session', async () => {
    await admin.goto(`${server.url}/admin/`);
    await admin.fill('input[name=token]', 'wrong-token');
    await admin.click('button[type=submit]');
    await admin.getByRole('alert').waitFor();
    await admin.fill('input[name=token]', server.adminToken);
    await admin.click('button[type=submit]');
    await admin.getByRole('navigation').waitFor();
    await admin.screenshot({ path: join(SHOTS, '1-labels.png'), fullPage: true });
    const cookie = (await adminCtx.cookies()).find((c) => c.name === 'sm_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
  });

  it('imports the catalog (CSV + image folder) after a preview', async () => {
    await admin.goto(`${server.url}/admin/#catalog`);
    await admin.setInputFiles('input[name=manifest]', catalog.csv);
    await admin.setInputFiles('input[name=images]', catalog.images);
    await admin.getByRole('button', { name: 'Preview' }).click();
    await admin.locator('table.preview tbody tr').first().waitFor();
    expect(await admin.locator('table.preview tbody tr').count()).toBe(catalog.count);
    expect(await admin.locator('table.preview tr.bad').count()).toBe(0);
    await admin.screenshot({ path: join(SHOTS, '2-import-preview.png'), fullPage: true });
    // Nothing is written by the preview.
    const before = (await (await fetch(`${server.url}/api/products`)).json()) as { products: unknown[] };
    expect(before.products).toHaveLength(0);
    await admin.getByRole('button', { name: `Import ${catalog.count} products` }).click();
    await admin.getByText(`Imported ${catalog.count} products.`).waitFor();
    await admin.locator('.cards .card').nth(catalog.count - 1).waitFor();
    const after = (await (await fetch(`${server.url}/api/products`)).json()) as { products: { id: string; imageUrl: string | null }[] };
    expect(after.products).toHaveLength(catalog.count);
    expect(after.products.filter((p) => p.imageUrl !== null)).toHaveLength(catalog.count - 1);
    // Markup in product text is shown as text, never run.
    const xssCard = admin.locator(`.card[data-product-id="${XSS_ID}"]`);
    expect(await xssCard.locator('.card-name').textContent()).toBe(XSS_NAME);
    expect(await xssCard.locator('img').count()).toBe(0);
    expect(await admin.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await admin.screenshot({ path: join(SHOTS, '3-catalog.png') });
  });

  it('creates, edits and deletes one product', async () => {
    const form = admin.locator('form.product-form');
    await form.locator('input').nth(0).fill('test-1');
    await form.getByLabel('Name').fill('Test product');
    await form.getByLabel('Price').fill('2.5');
    await form.getByRole('button', { name: 'Create' }).click();
    const card = admin.locator('.card[data-product-id="test-1"]');
    await card.waitFor();
    await admin.locator('li', { has: card }).getByRole('button', { name: 'Edit' }).click();
    await form.getByLabel('Price').fill('3.75');
    await form.getByRole('button', { name: 'Save' }).click();
    await card.locator('.price', { hasText: '3.75' }).waitFor();
    admin.once('dialog', (d) => void d.accept());
    await admin.locator('li', { has: card }).getByRole('button', { name: 'Delete' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await fetch(`${server.url}/api/products/test-1`)).status).toBe(404);
  });

  it('maps the label to three products and the kiosk shows them live, without reloading', async () => {
    await kiosk.goto(`${server.url}/`);
    // The kiosk recognises the taught product from the fake camera (model loads in the browser).
    const stage = kiosk.locator(`[data-testid=recommending][data-label="${LABEL}"]`);
    await stage.waitFor({ timeout: 240_000 });
    await kiosk.evaluate(() => {
      const w = window as { __marker?: number; __events?: unknown[] };
      w.__marker = 1;
      w.__events = [];
      const es = new EventSource('/api/events/stream');
      es.addEventListener('recommendations.changed', (e) => w.__events!.push(JSON.parse((e as MessageEvent<string>).data)));
    });
    await kiosk.screenshot({ path: join(SHOTS, '4-kiosk-before.png') });

    await admin.goto(`${server.url}/admin/#recommendations/${encodeURIComponent(LABEL)}`);
    await admin.locator('select[name=label]').selectOption(LABEL);
    // Added in the wrong order, fixed by drag and drop, then moved with the keyboard-accessible buttons.
    const order = (): Promise<(string | null)[]> => admin.locator('ol.ranked li').evaluateAll((els) => els.map((e) => e.getAttribute('data-product-id')));
    for (const id of [MAPPED[1]!, MAPPED[0]!, MAPPED[2]!]) await admin.locator('select[name=add]').selectOption(id);
    await admin.locator('ol.ranked li').nth(1).dragTo(admin.locator('ol.ranked li').nth(0));
    expect(await order()).toEqual(MAPPED);
    const third = MAPPED[2]!.replace(/-/g, ' ');
    await admin.getByRole('button', { name: `Move ${third} up` }).click();
    expect(await order()).toEqual([MAPPED[0], MAPPED[2], MAPPED[1]]);
    await admin.getByRole('button', { name: `Move ${third} down` }).click();
    expect(await order()).toEqual(MAPPED);
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Saved: every mirror shows it now.').waitFor();
    await admin.locator('.mirror .card').nth(2).waitFor();
    await admin.screenshot({ path: join(SHOTS, '5-recommendations.png'), fullPage: true });

    await kiosk.waitForFunction(
      (names) => {
        const shown = Array.from(document.querySelectorAll<HTMLElement>('[data-testid=product-card] h2'), (e) => e.textContent);
        return names.every((n, i) => shown[i] === n);
      },
      MAPPED.map((id) => id.replace(/-/g, ' ')),
      { timeout: 30_000 },
    );
    const state = await kiosk.evaluate(() => {
      const w = window as { __marker?: number; __events?: { label: string }[] };
      return { marker: w.__marker, events: w.__events };
    });
    expect(state.marker).toBe(1);
    expect(state.events).toContainEqual({ label: LABEL });
    await kiosk.screenshot({ path: join(SHOTS, '6-kiosk-after.png') });
  });

  it('shows product markup as text on the kiosk too', async () => {
    await admin.locator('select[name=add]').selectOption(XSS_ID);
    await admin.getByRole('button', { name: 'Save' }).click();
    const card = kiosk.locator('[data-testid=product-card]').nth(3);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.locator('h2').textContent()).toBe(XSS_NAME);
    expect(await card.locator('.description').textContent()).toBe(XSS_DESCRIPTION);
    expect(await kiosk.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await kiosk.screenshot({ path: join(SHOTS, '7-kiosk-markup.png') });
  });

  it('imports orders, shows bought-together scores, and fills the label from them', async () => {
    await admin.goto(`${server.url}/admin/#bought`);
    await admin.setInputFiles('input[name=orders]', orders);
    await admin.getByRole('button', { name: 'Import orders' }).click();
    await admin.getByText('6000 lines, 2000 orders').waitFor();
    await admin.locator('select[name=product]').selectOption(PRODUCT_DIR);
    const first = admin.locator('table.rules tbody tr').first();
    await first.locator('td', { hasText: 'Banana' }).waitFor();
    // 500 of the ~1000 orders holding the oat milk also hold a banana (random picks add a few more).
    const confidence = Number((await first.locator('td').nth(3).textContent())?.replace('%', ''));
    expect(confidence).toBeGreaterThan(40);
    expect(confidence).toBeLessThan(60);
    await admin.screenshot({ path: join(SHOTS, '8-bought-together.png'), fullPage: true });

    await admin.goto(`${server.url}/admin/#recommendations/${encodeURIComponent(LABEL)}`);
    await admin.locator('ol.ranked li').nth(3).waitFor();
    await admin.getByRole('button', { name: `Remove ${XSS_NAME}` }).click();
    await admin.locator('select[name=strategy]').selectOption('manual-then-bought-together');
    await admin.locator('select[name=anchor]').selectOption(PRODUCT_DIR);
    await admin.locator('input[name=limit]').fill('4');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.locator('.mirror .card').nth(3).locator('.card-badge', { hasText: 'bought together' }).waitFor();
    expect(await admin.locator('.mirror .card').nth(3).locator('.card-badge').textContent()).toMatch(/bought together · Confidence \d+% · Lift \d/);
    await admin.screenshot({ path: join(SHOTS, '9-strategy.png'), fullPage: true });
    await kiosk.waitForFunction(() => document.querySelectorAll('[data-testid=product-card] h2')[3]?.textContent === 'Banana', undefined, { timeout: 30_000 });
    await kiosk.screenshot({ path: join(SHOTS, '10-kiosk-bought-together.png') });
  });

  it('charts analytics for a date range and exports them as CSV', async () => {
    // The kiosk sends its events every 15 s: wait for its first recognition. (It counts an impression
    // only when it enters the recommendations screen with products, which this journey never does:
    // the products arrived live while it was showing them.)
    const today = new Date().toISOString().slice(0, 10);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await fetch(`${server.url}/api/admin/analytics?from=${today}T00:00:00Z&bucket=hour`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      const body = (await res.json()) as { totals: { recognitions: number; impressions: number } };
      if (body.totals.recognitions > 0) break;
      if (Date.now() > deadline) throw new Error(`the kiosk reported no analytics: ${JSON.stringify(body.totals)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await admin.goto(`${server.url}/admin/#analytics`);
    await admin.getByText('Examples taught: 6').waitFor();
    await admin.locator('select').filter({ hasText: 'hour' }).selectOption('hour');
    await admin.getByText('Examples taught: 6').waitFor();
    await admin.locator('.chart canvas').waitFor();
    await admin.screenshot({ path: join(SHOTS, '11-analytics.png'), fullPage: true });
    const href = await admin.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    const csv = await adminCtx.request.get(`${server.url}${href ?? ''}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n')[0]).toBe('bucket_start,label,recognitions,unknown,impressions,teaching');
  });

  it('shows a label taught elsewhere live, and checks the data quality of the examples', async () => {
    await admin.goto(`${server.url}/admin/#labels`);
    await admin.locator('.label-row').first().waitFor();
    const dir = join(DATASET_DIR, 'train', 'Banana');
    const form = new FormData();
    form.append('image', new Blob([readFileSync(join(dir, readdirSync(dir).sort()[0]!))], { type: 'image/jpeg' }), 'banana.jpg');
    const taught = await fetch(`${server.url}/api/labels/Banana/examples`, { method: 'POST', headers: { authorization: `Bearer ${server.kioskToken}` }, body: form });
    expect(taught.status).toBe(201);
    // No reload: the labels list follows the server's events.
    await admin.locator('.label-row strong', { hasText: /^Banana$/ }).waitFor({ timeout: 15_000 });
    await admin.getByRole('button', { name: 'Check examples' }).click();
    await admin.getByRole('heading', { name: /^Near-duplicate examples \(\d+\)$/ }).waitFor();
    await admin.getByRole('heading', { name: /^Examples whose nearest neighbour has another label \(\d+\)$/ }).waitFor();
    await admin.screenshot({ path: join(SHOTS, '12-quality.png'), fullPage: true });
  });

  it('edits recognition settings and explains why the kiosk token cannot rotate here', async () => {
    await admin.goto(`${server.url}/admin/#settings`);
    await admin.locator('input[name=threshold]').fill('0.55');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Saved.').waitFor();
    const settings = (await (await fetch(`${server.url}/api/settings`)).json()) as { threshold: number };
    expect(settings.threshold).toBe(0.55);
    // The e2e server gets its kiosk token from the environment, so rotation is refused with the reason.
    await admin.getByRole('button', { name: 'Rotate kiosk token' }).click();
    await admin.getByRole('alert').filter({ hasText: 'SMARTMIRROR_KIOSK_TOKEN' }).waitFor();
    await admin.screenshot({ path: join(SHOTS, '13-settings.png'), fullPage: true });
  });
});

if (!hasDataset) console.warn(`e2e/admin: ${DATASET_DIR} is absent; the back office journey is skipped.`);
else if (!distsBuilt) console.warn('e2e/admin: apps/admin/dist or apps/kiosk/dist is missing (run `npm run build`); the back office journey is skipped.');
