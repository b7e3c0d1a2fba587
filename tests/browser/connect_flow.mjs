// Drives Debian's headless Chromium (through npm's playwright-core) through
// the connect flow the way a customer's browser goes: the simulator's consent
// page → PostFuze's callback → either the app's redirect_uri or the hosted
// page's picker. Called by connect_browser_test.cpp with one JSON argument:
//   {"auth_url", "host_rules", "mode": "redirect"|"picker", "expect_prefix"?, "pick"?: [indexes]}
// Prints one JSON line: {"final_url", "status", "account_ids", "console_errors"}.
import { chromium } from 'playwright-core';

const input = JSON.parse(process.argv[2]);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--host-resolver-rules=${input.host_rules}`,
  ],
});
const out = { final_url: null, status: null, account_ids: [], console_errors: [] };
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(30000);
  // Only policy violations count: a 404 for the app's made-up landing page or a favicon is not ours to judge.
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().includes('Content Security Policy')) out.console_errors.push(m.text());
  });
  page.on('pageerror', (e) => out.console_errors.push(String(e)));
  await page.goto(input.auth_url);
  await page.click('#approve');
  if (input.mode === 'redirect') {
    await page.waitForURL((u) => u.href.startsWith(input.expect_prefix));
  } else {
    await page.waitForSelector('#result[data-status="pending"]');
    for (const i of input.pick) await page.check(`#page-${i}`);
    await page.click('#connect');
    await page.waitForSelector('#result[data-status="connected"]').catch(async (e) => {
      throw new Error(`${e.message}\npage after submit (${page.url()}):\n${await page.content()}`);
    });
    out.account_ids = await page.$$eval('[data-account-id]', (els) => els.map((e) => e.dataset.accountId));
  }
  out.final_url = page.url();
  out.status = await page.$eval('#result', (e) => e.dataset.status).catch(() => null);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
