// browsercheck.js: open every exported notebook (DIR/*.html) in headless
// Chromium with no network, check that each pkg/nbplot chart drew a
// non-blank canvas and that the page logged no error, and save a screenshot
// of the whole page. Started by scripts/browsercheck.sh, which installs
// Chromium and playwright-core first; see there for the environment.
//
//   node scripts/browsercheck.js DIR
//
// Writes DIR/screenshots/NAME.png and DIR/browser.json; exits 1 when a page
// has a problem, 2 when the browser cannot be used at all.
'use strict';

const fs = require('fs');
const path = require('path');
const url = require('url');

const root = path.resolve(__dirname, '..');
const { chromium } = require(process.env.OPTREP_PLAYWRIGHT ||
  path.join(root, '.optrep', 'browser', 'node_modules', 'playwright-core'));

// A chart container of pkg/nbplot; "nbplot-progress-…" elements are progress lines.
const CHART_ID = /^nbplot-[0-9a-f]{16}$/;
// Share of sampled canvas pixels that must differ from the background.
const MIN_PAINTED = 0.005;
const LOAD_TIMEOUT_MS = 60000;
const DRAW_TIMEOUT_MS = 20000;

// inspect runs in the page: every chart container, whether it holds a
// canvas, and how much of it is painted. A pixel counts as painted when it
// differs from the canvas's top-left pixel (the background, transparent
// unless the chart sets a colour).
function inspect(pattern) {
  const re = new RegExp(pattern);
  return Array.from(document.querySelectorAll('div[id^="nbplot-"]'))
    .filter((el) => re.test(el.id))
    .map((el) => {
      const out = { id: el.id, label: el.getAttribute('aria-label') || '', canvases: 0, painted: 0, samples: 0, text: '' };
      for (const c of el.querySelectorAll('canvas')) {
        out.canvases++;
        if (!c.width || !c.height) continue;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const bg = [d[0], d[1], d[2], d[3]];
        // Every 7th pixel: thin lines still show, and a large canvas stays fast.
        for (let i = 0; i < d.length; i += 4 * 7) {
          out.samples++;
          if (d[i] !== bg[0] || d[i + 1] !== bg[1] || d[i + 2] !== bg[2] || d[i + 3] !== bg[3]) out.painted++;
        }
      }
      if (out.canvases === 0) out.text = (el.textContent || '').trim().slice(0, 200);
      return out;
    });
}

function blank(c) {
  return c.canvases === 0 || c.samples === 0 || c.painted / c.samples < MIN_PAINTED;
}

async function checkPage(browser, file, shots) {
  const name = path.basename(file, '.html');
  const start = Date.now();
  const problems = [];
  const note = (msg) => { if (!problems.includes(msg)) problems.push(msg); };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  // Nothing but the page's own files: any other request means the export is not self-contained.
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (/^(file|data|blob|about):/.test(u)) return route.continue();
    note(`blocked a network request to ${u} (the page must work offline)`);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') note(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => note(`uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!/^https?:/.test(r.url())) note(`failed to load ${r.url()}: ${r.failure() ? r.failure().errorText : 'unknown error'}`);
  });

  let charts = [];
  try {
    await page.goto(url.pathToFileURL(file).href, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
    // Charts draw synchronously when their script runs (pkg/nbplot turns animation off), but
    // give a slow machine time before calling one blank.
    const deadline = Date.now() + DRAW_TIMEOUT_MS;
    for (;;) {
      charts = await page.evaluate(inspect, CHART_ID.source);
      if (!charts.some(blank) || Date.now() > deadline) break;
      await page.waitForTimeout(250);
    }
    // Let MathJax and fonts settle before the picture.
    await page.waitForTimeout(500);
    for (const c of charts.filter(blank)) {
      const what = c.label ? `chart "${c.label}" (${c.id})` : `chart ${c.id}`;
      if (c.canvases === 0) note(`${what} drew no canvas${c.text ? `; it says: ${c.text}` : ''}`);
      else note(`${what} is blank (${c.painted} of ${c.samples} sampled pixels painted)`);
    }
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  } catch (e) {
    note(`could not check the page: ${e.message.split('\n')[0]}`);
  } finally {
    await context.close();
  }
  return {
    name,
    html: path.basename(file),
    ok: problems.length === 0,
    charts: charts.length,
    problems,
    screenshot: fs.existsSync(path.join(shots, `${name}.png`)) ? `screenshots/${name}.png` : '',
    seconds: (Date.now() - start) / 1000,
  };
}

async function main() {
  const dir = process.argv[2];
  if (!dir || process.argv.length > 3) {
    console.error('usage: node scripts/browsercheck.js DIR');
    process.exit(2);
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.html')).sort().map((f) => path.resolve(dir, f));
  if (files.length === 0) {
    console.error(`browsercheck: no .html file in ${dir}`);
    process.exit(1);
  }
  // Playwright gives the browser a fresh profile of its own and deletes it on close.
  const executable = process.env.OPTREP_CHROMIUM || '/usr/bin/chromium';
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: executable,
      headless: true,
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--disable-dev-shm-usage'],
    });
  } catch (e) {
    console.error(`browsercheck: cannot start Chromium (${executable}): ${e.message.split('\n')[0]}`);
    process.exit(2);
  }
  const pages = [];
  try {
    for (const f of files) {
      const r = await checkPage(browser, f, path.join(dir, 'screenshots'));
      pages.push(r);
      const verdict = r.ok ? 'ok' : 'FAIL';
      console.log(`[browser] ${r.html}: ${r.charts} chart(s), ${verdict} (${r.seconds.toFixed(1)} s)`);
      for (const p of r.problems) console.log(`    ${p}`);
    }
  } finally {
    const version = browser.version();
    await browser.close();
    const ok = pages.length === files.length && pages.every((p) => p.ok);
    fs.writeFileSync(path.join(dir, 'browser.json'),
      JSON.stringify({ chromium: version, ok, pages }, null, 2) + '\n');
    process.exitCode = ok ? 0 : 1;
  }
}

main().catch((e) => {
  console.error(`browsercheck: ${e.stack || e}`);
  process.exit(2);
});
