// The UI's JavaScript heap at start, measured in Chromium (Playwright) with the shell mocked
// (ui/tests/browser/mock-ipc.js) and three providers signed in: the window's own share of the web
// process's memory, isolated from WebKit and the Rust side (issue 24; the whole app is measured by
// benches/app.sh). Usage: node benches/ui_heap.mjs DIST [DIST...]  — each a built ui/dist; prints
// the median used heap after a full GC, and the bytes of script the page loaded, of RUNS (7) loads.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const ui = resolve(import.meta.dirname, '../ui');
const { chromium } = createRequire(join(ui, 'package.json'))('playwright-core');
const { signedIn } = await import(join(ui, 'tests/browser/fixtures.js'));
const mockScript = await readFile(join(ui, 'tests/browser/mock-ipc.js'), 'utf8');
const RUNS = Number(process.env.RUNS ?? 7);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function serve(dist) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    try {
      const body = await readFile(join(dist, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'text/html' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fixtures = { a: signedIn('a'), b: signedIn('b'), c: signedIn('c') };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
console.log('| ui/dist | JS heap used after GC (KiB, median) | script loaded (KiB) |');
console.log('|---|---|---|');
for (const dist of process.argv.slice(2)) {
  const server = await serve(resolve(dist));
  const heaps = [];
  let script = 0;
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const bodies = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.js')) bodies.push(r.body().then((b) => b.length));
    });
    await page.addInitScript(mockScript);
    await page.addInitScript(`window.__fixtures = ${JSON.stringify(fixtures)};
      window.__mock.handlers.list_providers = () => Object.values(window.__fixtures);
      window.__mock.handlers.list_templates = () => [];
      window.__mock.handlers.settings = () => ({});`);
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.getByTestId('provider-title').waitFor();
    await page.waitForTimeout(500);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    heaps.push((await cdp.send('Runtime.getHeapUsage')).usedSize);
    script = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
    await page.close();
  }
  server.close();
  console.log(`| ${dist} | ${Math.round(median(heaps) / 1024)} | ${Math.round(script / 1024)} |`);
}
await browser.close();
