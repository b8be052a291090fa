// Browser test of the analyst console: headless Debian chromium driven by playwright-core.
// Seeds a fresh SQLite store with `bantay demo --no-serve` (synthetic data), serves it with
// `bantay serve` on an ephemeral loopback port, and walks through login, queue, case page,
// authorisation, export, audit, a refusal, the agent's conversations and their erasure by
// retention; stops the server at the end.
//   node web/test/console.test.mjs BANTAY_BINARY [SCREENSHOT_DIR]
// BANTAY_TEST_STORE=postgresql://... seeds and serves that (empty) store instead of SQLite.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const [bantay, shots] = process.argv.slice(2);
if (!bantay) { console.error('usage: console.test.mjs BANTAY_BINARY [SCREENSHOT_DIR]'); process.exit(2); }
const work = mkdtempSync(join(tmpdir(), 'bantay-console-'));
let server, botDemo, browser, failed = false;
const store = process.env.BANTAY_TEST_STORE || join(work, 'demo', 'cases.db');
const keys = process.env.BANTAY_TEST_STORE ? ['--pseudonym-key', join(work, 'demo', 'bantay-pseudonym.key'),
  '--signing-key', join(work, 'demo', 'bantay-signing.key')] : [];

function step(name) { console.log(`console test: ${name}`); }

async function startServer(store) {
  server = spawn(bantay, ['serve', '--store', store, ...keys, '--listen', '127.0.0.1:0', '--threads', '2'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    server.on('exit', (code) => reject(new Error(`bantay serve exited with ${code}`)));
  });
}

try {
  step('seeding a store with bantay demo --no-serve');
  const demo = spawnSync(bantay, ['demo', '--no-serve', '--dir', join(work, 'demo'), '--store', store, '--chats', '150',
    '--accounts', '1500', '--days', '14'], { encoding: 'utf8' });
  assert.equal(demo.status, 0, demo.stderr);
  const pw = Object.fromEntries([...demo.stdout.matchAll(/user (\w+)\s+password (\S+)/g)].map((m) => [m[1], m[2]]));
  for (const u of ['admin', 'supervisor', 'analyst', 'auditor']) assert.ok(pw[u], `password of ${u} printed`);

  step('the agent runs on a loopback connector, mirrored into the same store (bantay bot-demo)');
  botDemo = spawn(bantay, ['bot-demo', '--store', store, ...keys], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    botDemo.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); });
    botDemo.on('exit', (code) => reject(new Error(`bantay bot-demo exited with ${code}`)));
  });

  const base = await startServer(store);
  step(`server at ${base}`);
  // A persistent context is how playwright takes a fresh --user-data-dir of our own.
  browser = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 }, acceptDownloads: true,
  });
  // One browser profile; each user starts without cookies.
  const fresh = async () => { await browser.clearCookies(); return browser; };
  const shot = async (page, name) => { if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }); };

  const login = async (page, user, password) => {
    await page.goto(`${base}/#/login`);
    await page.fill('#user', user);
    await page.fill('#password', password);
    await page.click('#login-submit');
  };

  // ---- Analyst: login, queue, keyboard, case page, refusal ----
  const ctx = await fresh();
  let page = await ctx.newPage();
  step('wrong password is refused');
  await login(page, 'analyst', 'not-the-password');
  await page.waitForSelector('#login-error:not([hidden])');
  await shot(page, 'login');
  step('analyst logs in and sees the queue');
  await login(page, 'analyst', pw.analyst);
  await page.waitForSelector('#queue tbody tr.row');
  const rows = await page.locator('#queue tbody tr.row').count();
  assert.ok(rows > 1, 'queue has cases');
  const cookies = await ctx.cookies();
  const session = cookies.find((c) => c.name === 'bantay_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'session cookie is HttpOnly, SameSite=Strict');
  await shot(page, 'queue');

  step('filters: kind=text, then keyboard j + Enter opens the second case');
  await page.selectOption('#f-kind', 'text');
  await page.waitForFunction(() => [...document.querySelectorAll('#queue tbody tr.row td:nth-child(3)')].every((td) => td.textContent === 'text'));
  const secondId = await page.locator('#queue tbody tr.row').nth(1).getAttribute('data-id');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#matched mark');
  assert.ok(page.url().endsWith(`#/case/${secondId}`), 'Enter opened the selected case');
  const marked = await page.locator('#matched mark').first().textContent();
  assert.ok(marked.length > 0, 'a matched term is highlighted');
  assert.ok(await page.locator('#timeline li').count() > 0, 'timeline shown');
  await shot(page, 'case-text');

  step('a metadata case shows the contact graph and weekly chart');
  await page.goto(`${base}/#/queue`);
  await page.selectOption('#f-kind', 'meta');
  await page.waitForFunction(() => { const r = document.querySelector('#queue tbody tr.row td:nth-child(3)'); return r && r.textContent === 'meta'; });
  await page.locator('#queue tbody tr.row').first().click();
  await page.waitForSelector('#contact-graph circle');
  await page.waitForSelector('#weekly-chart rect');
  await shot(page, 'case-meta');

  step('analyst may not read the audit log: clear refusal');
  await page.goto(`${base}/#/audit`);
  await page.waitForSelector('#refused');
  assert.match(await page.locator('#refused').textContent(), /Access refused/);
  await shot(page, 'refused');
  step('analyst may not export: 403 from the API');
  const exp = await page.evaluate(async (id) => (await fetch(`/api/cases/${id}/export`)).status, secondId);
  assert.equal(exp, 403);

  // ---- Analyst: the agent's conversations, a takeover, the dashboard ----
  step('analyst watches the agent and takes over a conversation');
  await page.goto(`${base}/#/bot`);
  await page.waitForSelector('#bot-conversations tbody tr');
  assert.ok(await page.locator('#bot-conversations tbody tr').count() >= 4, 'the scripted conversations are listed');
  await shot(page, 'bot-conversations');
  await page.locator('#bot-conversations tbody tr', { hasText: 'small_talk' }).first().locator('a').click();
  await page.waitForSelector('#bot-transcript li.agent');
  await page.click('#bot-takeover');
  await page.waitForFunction(() => /held by analyst/.test(document.getElementById('bot-status').textContent), null, { timeout: 15000 });
  await page.fill('#bot-say', 'sorry my internet is slow');
  await page.click('#bot-say-send');
  await page.waitForSelector('#bot-transcript li.operator', { timeout: 15000 });
  assert.match(await page.locator('#bot-transcript li.operator').last().textContent(), /operator analyst.*sorry my internet is slow/s);
  await shot(page, 'bot-takeover');
  await page.click('#bot-handback');
  await page.waitForFunction(() => /agent speaking/.test(document.getElementById('bot-status').textContent), null, { timeout: 15000 });
  step('dashboard shows the per-day chart and intents');
  await page.goto(`${base}/#/bot-dashboard`);
  await page.waitForSelector('#bot-chart rect');
  assert.match(await page.locator('#bot-totals').textContent(), /conversations/);
  assert.ok(await page.locator('#bot-intents tr').count() > 0, 'intents listed');
  await shot(page, 'bot-dashboard');

  // ---- Supervisor: authorisation and export ----
  await page.close();
  const sctx = await fresh();
  page = await sctx.newPage();
  step('supervisor records and revokes an authorisation');
  await login(page, 'supervisor', pw.supervisor);
  await page.waitForSelector('#queue tbody tr.row');
  await page.goto(`${base}/#/case/${secondId}`);
  await page.waitForSelector('#auth-add');
  await page.fill('#auth-authority', 'Regional Trial Court, Branch 7 (test)');
  await page.fill('#auth-reference', 'SW-TEST-0001');
  await page.click('#auth-add');
  await page.waitForSelector('#authorisations [data-revoke]');
  assert.match(await page.locator('#authorisations').textContent(), /SW-TEST-0001/);
  await page.evaluate(() => { const t = document.getElementById('toast'); t.style.transition = 'none'; t.classList.remove('show'); });
  await shot(page, 'authorisation');
  await page.locator('#authorisations [data-revoke]').first().click();
  await page.waitForSelector('#authorisations [data-revoke][disabled]');

  step('supervisor exports the evidence bundle');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const zipPath = join(work, 'bundle.zip');
  await download.saveAs(zipPath);
  const zip = readFileSync(zipPath);
  assert.equal(zip.subarray(0, 2).toString(), 'PK');
  assert.ok(zip.includes('manifest.json') && zip.includes('referral.xml'), 'bundle has a manifest and the referral');

  step('supervisor names the accounts in a referral, with a reason');
  await page.fill('#identify-reason', 'referral to PNP-WCPC (browser test)');
  const [named] = await Promise.all([page.waitForEvent('download'), page.click('#referral-identified')]);
  const namedPath = join(work, 'referral.html');
  await named.saveAs(namedPath);
  const namedHtml = readFileSync(namedPath, 'utf8');
  assert.match(namedHtml, /re-identified by supervisor for this referral \(audited\); reason: referral to PNP-WCPC/);
  assert.match(namedHtml, /pseudonym in the reporter&#39;s case store: p_/);

  // ---- Auditor: audit view ----
  await page.close();
  const actx = await fresh();
  page = await actx.newPage();
  step('auditor sees the audit log, verified, with the refusals in it');
  await login(page, 'auditor', pw.auditor);
  await page.waitForSelector('#verify');
  assert.match(await page.locator('#verify').textContent(), /Chain verified/);
  const audit = await page.locator('#audit').textContent();
  assert.match(audit, /denied/);
  assert.match(audit, /export/);
  assert.match(audit, /reidentify/);
  assert.match(audit, /bot_takeover/);
  step('auditor watches the agent but has no operator controls');
  await page.goto(`${base}/#/bot`);
  await page.locator('#bot-conversations tbody tr a').first().click();
  await page.waitForSelector('#bot-transcript li');
  assert.equal(await page.locator('#bot-controls').count(), 0);
  await shot(page, 'audit');
  step('a day later retention erases the text of conversations without intent; the console says so');
  const later = new Date(Date.now() + 25 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const ret = spawnSync(bantay, ['cases', 'retention', '--store', store, ...keys, '--now', later], { encoding: 'utf8' });
  assert.equal(ret.status, 0, ret.stderr);
  assert.ok(JSON.parse(ret.stdout).bot_conversations_erased > 0, ret.stdout);
  await page.goto(`${base}/#/bot`);
  await page.waitForSelector('#bot-conversations .erased');
  await page.locator('#bot-conversations tbody tr', { has: page.locator('.erased') }).first().locator('a').click();
  await page.waitForSelector('#bot-erased');
  assert.match(await page.locator('#bot-erased').textContent(), /erased by retention/);
  step('all passed');
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.on('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (botDemo && botDemo.exitCode === null) {
    const exited = new Promise((r) => botDemo.on('exit', r));
    botDemo.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
