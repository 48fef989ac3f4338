// End-to-end test of the real desktop app: WebKitWebDriver (WebKitGTK's WebDriver) drives the built
// `oauth-desk-app` against the real test OP (oidc-provider), with a real Secret Service.
// Run by tests/e2e/run.sh (Xvfb + D-Bus + gnome-keyring); see the README.
//
// The story of the "done when": add the test OP by issuer, sign in through the
// embedded window (the OP's login and consent forms), see the decoded tokens, watch a
// 10-second token refresh by itself, copy the Authorization header and use it, sign out.
// Then the non-loopback redirect URI, caught in the login window; the device flow; changes
// from the CLI; imports; a consent-lab plan run from the Lab tab; a project file with two
// environments and a second identity; the login window's lack of IPC.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { WebDriver, sleep } from './webdriver.mjs';
import { backToMain, children, fillOpForms, freePort, signInFromPanel, signInThroughLoginWindow, startDriver, startOp, toLoginWindow } from './session.mjs';

const root = resolve(import.meta.dirname, '../..');
const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const app = join(target, 'debug/oauth-desk-app');
const cli = join(target, 'debug/oauth-desk');
const shots = process.env.E2E_SCREENSHOTS ?? null;
let failures = 0;

/** The environments (`NAME=value` each) of the app's web content processes. */
function webContentEnvironments() {
  const pgrep = (args) => {
    try {
      return execFileSync('pgrep', args).toString().split('\n').filter(Boolean);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  };
  return pgrep(['-f', app])
    .flatMap((pid) => pgrep(['-P', pid]))
    .filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('WebKitWebProces'))
    .map((pid) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0'));
}

function log(...args) {
  console.log('[e2e]', ...args);
}

/** A page that tries the app's IPC from inside the login window, and shows what it got. */
function startHostilePage() {
  const html = `<!doctype html><title>probe</title><p id=result>pending</p><script>(() => {
    const show = (t) => { document.getElementById('result').textContent = t; };
    const ipc = window.__TAURI_INTERNALS__;
    try {
      if (window.__TAURI__) show('LEAK: window.__TAURI__ exists');
      else if (!ipc || typeof ipc.invoke !== 'function') show('no IPC');
      else {
        // The IPC bridge may be injected everywhere; what matters is that it answers nothing.
        // An app command, and the clipboard (where copied tokens are).
        const probes = [['list_providers', {}], ['plugin:clipboard-manager|read_text', {}]];
        setTimeout(() => show('no answer from the app'), 3000);
        Promise.allSettled(probes.map(([cmd, args]) => ipc.invoke(cmd, args))).then((results) => {
          const leaked = results.find((r) => r.status === 'fulfilled');
          show(leaked ? 'LEAK: ' + JSON.stringify(leaked.value).slice(0, 80)
            : 'denied: ' + results.map((r) => String(r.reason).split('\\n')[0]).join(' | '));
        });
      }
    } catch (e) { show('error: ' + e); }
  })();  </script>`;
  const server = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

/** A token endpoint that issues one 20-second client-credentials token, then is down (503):
 * the keeper's renewals fail while the token still works. */
function startFlakyTokenEndpoint() {
  let issued = 0;
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (issued++ === 0) {
        res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 'flaky-token-1', token_type: 'Bearer', expires_in: 20 }));
      } else {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
      }
    });
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

async function shot(wd, name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(shots, `${name}.png`), Buffer.from(await wd.screenshot(), 'base64'));
}

let driver = null;

async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures++;
    log(`FAIL ${name}: ${e.stack ?? e}`);
    // What the window showed, for whoever reads the CI log.
    const dir = join(target, 'e2e');
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'failure.png'), Buffer.from(await driver.screenshot(), 'base64'));
      log(`screenshot: ${join(dir, 'failure.png')}`);
    } catch {}
    throw e;
  }
}

/** Switches to a login window not among `seen`; returns its handle. */
async function toNewLoginWindow(wd, seen) {
  for (let i = 0; i < 120; i++) {
    const fresh = (await wd.handles()).find((h) => !seen.has(h));
    if (fresh) {
      await wd.switchTo(fresh);
      seen.add(fresh);
      return fresh;
    }
    await sleep(250);
  }
  throw new Error('no new login window opened');
}

/** Picks the option of a <select> whose value is `value`. WebKitWebDriver can't click an
 * <option> (it is drawn by the platform), so the choice is made as the page's own change. */
async function selectOption(wd, css, value) {
  await wd.waitFor(`${css} option[value="${value}"]`);
  await wd.execute(
    `const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    [css, value],
  );
}

function clipboard() {
  return execFileSync('xclip', ['-o', '-selection', 'clipboard'], { encoding: 'utf8' });
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'oauth-desk-e2e-'));
  const issuer = await startOp();
  log('test OP at', issuer, '· home', home);
  // The non-loopback provider is added with the CLI: both share the engine and the vault.
  const env = { ...process.env, OAUTH_DESK_HOME: home };
  execFileSync(cli, ['provider', 'add', 'shop', '--issuer', issuer, '--client-id', 'web-app', '--client-secret-stdin',
    '--redirect-uri', 'https://shop.example/', '--scope', 'openid offline_access', '--param', 'prompt=consent'], { env, input: 'web-secret-0123456789' });

  execFileSync(cli, ['provider', 'add', 'tv', '--issuer', issuer, '--client-id', 'device-app',
    '--scope', 'openid offline_access profile'], { env });
  execFileSync(cli, ['provider', 'add', 'qa', '--issuer', issuer, '--client-id', 'lab-app', '--client-secret-stdin',
    '--scope', 'openid'], { env, input: 'lab-secret-0123456789' });
  execFileSync(cli, ['provider', 'add', 'svc', '--issuer', issuer, '--client-id', 'exchange-app', '--client-secret-stdin',
    '--scope', 'openid'], { env, input: 'exchange-secret-0123456789' });
  execFileSync(cli, ['provider', 'add', 'hy', '--issuer', issuer, '--client-id', 'hybrid-app', '--client-secret-stdin',
    '--scope', 'openid profile'], { env, input: 'hybrid-secret-0123456789' });
  // A second OP is the project's stage environment.
  const stageIssuer = await startOp();
  const projectDir = mkdtempSync(join(tmpdir(), 'oauth-desk-e2e-project-'));
  const projectFile = join(projectDir, 'oauth-desk.toml');
  writeFileSync(projectFile, `# committed next to the code: no secret here
[env.dev]
issuer = "${issuer}"
[env.stage]
issuer = "${stageIssuer}"

[provider.team]
issuer = "\${issuer}"
client_id = "public-app"
scope = "openid profile offline_access"
# Every sign-in shows the OP's login form (the tests' login windows share one browser context).
params = { prompt = "login" }
`);
  const hostile = await startHostilePage();
  const flaky = await startFlakyTokenEndpoint();
  execFileSync(cli, ['provider', 'add', 'probe', '--authorize-url', `${hostile.url}/authorize`, '--token-url', `${hostile.url}/token`,
    '--client-id', 'probe'], { env });

  // $BROWSER plays the person on the device flow's verification page (as in the CLI tests).
  const browser = `node ${join(root, 'tests/op/browser.js')}`;
  const browserEnv = join(home, 'browser-env');
  const wd = new WebDriver(await startDriver({ ...env, BROWSER: browser, BROWSER_ENV_OUT: browserEnv, OAUTH_DESK_LOGIN_DEFAULT_CONTEXT: '1' }));
  await wd.start(app);
  driver = wd;
  try {
    const main = await wd.handle();

    await step('the main window is titled OAuth Desk and lists the CLI-added provider', async () => {
      const title = await wd.title();
      if (title !== 'OAuth Desk') throw new Error(`title is ${title}`);
      await wd.waitFor('[data-testid=provider-shop]');
    });

    await step('add the test OP by issuer (discovery), with inline validation first', async () => {
      await wd.clickCss('[data-testid=add-provider]');
      await wd.clickCss('[data-testid=template-oidc]');
      await wd.fill('[data-testid=field-name]', 'op');
      await wd.fill('[data-testid=field-issuer]', 'not a url');
      await wd.fill('[data-testid=field-client_id]', '');
      await wd.clickCss('[data-testid=save-provider]');
      await wd.waitFor('[data-testid=form-invalid]');
      await wd.waitFor('[data-testid=error-issuer]', { text: 'not a URL' });
      await wd.waitFor('[data-testid=error-client_id]', { text: 'client id is empty' });
      await wd.fill('[data-testid=field-issuer]', issuer);
      await wd.fill('[data-testid=field-client_id]', 'public-app');
      await wd.fill('[data-testid=field-scope]', 'openid profile email offline_access');
      // oidc-provider grants offline_access (a refresh token) only with prompt=consent.
      await wd.clickCss('[data-testid=toggle-advanced]');
      await wd.fill('[data-testid=field-params]', 'prompt=consent');
      await shot(wd, 'add-provider');
      await wd.clickCss('[data-testid=save-provider]');
      await wd.waitFor('[data-testid=provider-title]', { text: 'op' });
      await wd.waitFor('[data-testid=status-word]', { text: 'not signed in' });
    });

    await step('sign in through the embedded login window (loopback redirect)', async () => {
      await wd.clickCss('[data-testid=sign-in]');
      await toLoginWindow(wd, main);
      // The provider's own page (the window's native title, "Sign in — <origin>", is unit-tested).
      const url = await wd.url();
      if (!url.startsWith(issuer)) throw new Error(`the login window shows ${url}`);
      await fillOpForms(wd, 'alice');
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=status-word]', { text: 'signed in', timeout: 30000 });
    });

    await step('the tokens are decoded with a live countdown', async () => {
      await wd.waitFor('[data-testid=token-access]');
      await wd.waitFor('[data-testid=token-id]', { text: 'checks passed' });
      const c1 = await wd.text(await wd.find('[data-testid=countdown]'));
      await sleep(1500);
      const c2 = await wd.text(await wd.find('[data-testid=countdown]'));
      if (c1 === c2) throw new Error(`the countdown did not move: ${c1} → ${c2}`);
      const status = await wd.text(await wd.find('[data-testid=status-line]'));
      if (!status.includes('alice')) throw new Error(`status line without the user: ${status}`);
      await wd.clickCss('[data-testid=tab-claims]');
      await wd.waitFor('[data-testid=claims-id]', { text: 'alice' });
      await wd.clickCss('[data-testid=tab-validation]');
      await wd.waitFor('[data-testid=checklist]', { text: 'nonce' });
      await shot(wd, 'validation');
      await wd.clickCss('[data-testid=tab-scopes]');
      await wd.waitFor('[data-testid=scopes]', { text: 'offline_access' });
      await wd.clickCss('[data-testid=tab-trace]');
      await wd.waitFor('[data-testid=trace]', { text: '/token' });
      await shot(wd, 'trace');
      // The server reviewed against the RFCs: the test OP fails nothing.
      await wd.clickCss('[data-testid=tab-audit]');
      await wd.clickCss('[data-testid=audit-run]');
      await wd.waitFor('[data-testid=audit-summary]', { text: '0 fail', timeout: 20000 });
      await wd.clickCss('[data-testid=finding-pkce-s256]');
      await wd.waitFor('[data-testid=evidence-pkce-s256]', { text: 'S256' });
      await shot(wd, 'audit');
      await wd.clickCss('[data-testid=tab-tokens]');
    });

    await step('the 10-second token is refreshed in the background', async () => {
      await wd.waitFor('[data-testid=refresh-history] li', { timeout: 40000 });
      await wd.waitFor('[data-testid=status-word]', { text: 'signed in' });
      await shot(wd, 'tokens');
    });

    await step('copy the Authorization header, and it works at the userinfo endpoint', async () => {
      await wd.clickCss('[data-testid=copy-menu-access]');
      await wd.clickCss('[data-testid=copy-header]');
      await wd.waitFor('[data-testid=toast]', { text: 'copied' });
      const header = clipboard();
      const m = /^Authorization: Bearer (\S+)$/.exec(header);
      if (!m) throw new Error(`the clipboard holds ${header.slice(0, 30)}…`);
      const res = await fetch(`${issuer}/me`, { headers: { authorization: header.slice('Authorization: '.length) } });
      if (res.status !== 200) throw new Error(`userinfo answered ${res.status}`);
      const claims = await res.json();
      if (claims.sub !== 'alice') throw new Error(`userinfo sub ${claims.sub}`);
      await wd.waitGone('[data-testid=toast]', { timeout: 6000 });
    });

    await step('the token is hidden until revealed', async () => {
      const masked = await wd.text(await wd.find('[data-testid=token-value-access]'));
      if (!/^•+$/.test(masked.trim())) throw new Error(`token shown before reveal: ${masked.slice(0, 12)}`);
      await wd.clickCss('[data-testid=reveal-access]');
      await wd.waitFor('[data-testid=token-value-access]', { text: (t) => t.length > 20 && !t.includes('•') });
      await wd.clickCss('[data-testid=reveal-access]');
    });

    await step('sign out', async () => {
      await wd.clickCss('[data-testid=sign-out]');
      await wd.waitFor('[data-testid=status-word]', { text: 'not signed in' });
      await wd.waitFor('[data-testid=no-tokens]');
    });

    await step('a non-loopback redirect URI is caught in the login window', async () => {
      await wd.clickCss('[data-testid=provider-shop]');
      await wd.waitFor('[data-testid=provider-title]', { text: 'shop' });
      await signInFromPanel(wd, main, 'bob');
      await wd.waitFor('[data-testid=token-refresh]');
    });

    await step('cancelling a sign-in closes its window, with no error shown', async () => {
      await wd.clickCss('[data-testid=provider-op]');
      await wd.clickCss('[data-testid=sign-in]');
      await toLoginWindow(wd, main);
      await wd.switchTo(main);
      await wd.clickCss('[data-testid=cancel-sign-in]');
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=status-word]', { text: 'not signed in', timeout: 15000 });
      const errors = await wd.findAll('[data-testid=error]');
      if (errors.length) throw new Error(`a cancelled sign-in shows an error: ${await wd.text(errors[0])}`);
    });

    await step('device sign-in: a big user code, a QR code, approval elsewhere', async () => {
      await wd.clickCss('[data-testid=provider-tv]');
      await wd.clickCss('[data-testid=device-sign-in]');
      const code = await wd.text(await wd.waitFor('[data-testid=user-code]'));
      if (!/^[A-Z0-9-]{8,}$/.test(code)) throw new Error(`user code ${code}`);
      await wd.waitFor('[data-testid=device-dialog] .qr svg');
      await shot(wd, 'device');
      await wd.clickCss('[data-testid=open-verification-page]');
      await wd.waitFor('[data-testid=status-word]', { text: 'signed in', timeout: 30000 });
      for (let i = 0; (await wd.findAll('[data-testid=device-dialog]')).length; i++) {
        if (i > 40) throw new Error('the dialog stayed open');
        await sleep(250);
      }
      await wd.waitFor('[data-testid=token-refresh]');
      // The app paints without accelerated compositing (src-tauri/src/lean.rs): its web content
      // process has the setting, the browser it started for this page does not.
      const setting = 'WEBKIT_DISABLE_COMPOSITING_MODE';
      const webEnvs = webContentEnvironments();
      if (!webEnvs.length || !webEnvs.every((e) => e.includes(`${setting}=1`))) {
        throw new Error(`the app's web content processes (${webEnvs.length}) paint with compositing`);
      }
      const passedOn = readFileSync(browserEnv, 'utf8').split('\n');
      if (passedOn.includes(setting)) throw new Error(`the browser inherited ${setting}`);
    });

    await step('a CLI sign-in reaches the app; a failing refresh leaves the token signed in, with the retry', async () => {
      // Both through the engine's change stream: the CLI's Desk tells the app's keeper.
      execFileSync(cli, ['provider', 'add', 'flaky', '--token-url', `${flaky.url}/token`, '--client-id', 'svc',
        '--client-secret-stdin', '--scope', 'read'], { env, input: 'svc-secret' });
      // Not execFileSync: the token endpoint is served by this very process.
      await promisify(execFile)(cli, ['client-credentials', 'flaky'], { env });
      await wd.waitFor('[data-testid=provider-flaky]');
      await wd.clickCss('[data-testid=provider-flaky]');
      const signedIn = (t) => t.trim() === 'signed in';
      await wd.waitFor('[data-testid=status-word]', { text: signedIn });
      // Due at 10 s (half the lifetime): the renewal fails, the token still has 10 s.
      const problem = await wd.waitFor('[data-testid=refresh-problem]', { text: 'retrying', timeout: 30000 });
      const text = await wd.text(problem);
      if (!/last refresh failed: .*HTTP 503/.test(text)) throw new Error(`refresh problem: ${text}`);
      await wd.waitFor('[data-testid=status-word]', { text: signedIn });
      await wd.waitFor('[data-testid=expires-in]');
      await wd.waitFor('[data-testid=sidebar-refresh-problem-flaky]');
      await shot(wd, 'refresh-failed');
    });

    await step('import a Postman collection: the report first, then the provider works', async () => {
      const collection = JSON.stringify({
        info: { name: 'E2E API', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        auth: { type: 'oauth2', oauth2: [
          { key: 'grant_type', value: 'client_credentials' },
          { key: 'accessTokenUrl', value: '{{issuer}}/token' },
          { key: 'clientId', value: 'cc-app' },
          { key: 'clientSecret', value: 'cc-secret-0123456789' },
          { key: 'state', value: 'fixed' },
        ] },
        variable: [{ key: 'issuer', value: issuer }],
        item: [],
      });
      await wd.clickCss('[data-testid=sidebar-import]');
      await wd.fill('textarea', collection);
      await wd.clickCss('[data-testid=import-preview]');
      await wd.waitFor('[data-testid=import-report]', { text: 'Will import 1 provider(s) from E2E API' });
      await wd.waitFor('[data-testid=import-notes]', { text: 'state' });
      await shot(wd, 'import');
      await wd.clickCss('[data-testid=import-save]');
      await wd.waitFor('[data-testid=provider-title]', { text: 'e2e-api' });
      await wd.clickCss('[data-testid=client-credentials]');
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in' });
    });

    await step('consent lab: a three-case plan run from the Lab tab, the matrix, one failure, JUnit', async () => {
      await wd.clickCss('[data-testid=provider-qa]');
      await wd.waitFor('[data-testid=provider-title]', { text: 'qa' });
      await wd.clickCss('[data-testid=tab-lab]');
      await wd.waitFor('[data-testid=lab-plan-ok]', { text: '3 cases' });
      const plan = [
        '[[case]]', 'name = "profile releases the name"', 'scope = "openid profile"',
        'expect_granted = ["openid", "profile"]', 'expect_claims = ["name"]', 'expect_absent_claims = ["email"]', '',
        '[[case]]', 'name = "email only"', 'scope = "openid email"', 'expect_claims = ["email", "name"]', '',
        '[[case]]', 'name = "machine scope"', 'grant = "client_credentials"', 'scope = "api:read"',
        'expect_granted = ["api:read"]', '',
      ].join('\uE007'); // Enter: WebKitWebDriver types no raw newline
      await wd.fill('[data-testid=lab-plan-text]', 'expect_nothing = 1');
      await wd.waitFor('[data-testid=lab-plan-error]', { text: 'line 1' });
      await wd.fill('[data-testid=lab-plan-text]', plan);
      await wd.waitFor('[data-testid=lab-plan-ok]', { text: '3 cases' });
      await wd.clickCss('[data-testid=lab-run-all]');
      // Two people's sign-ins, each in its own fresh login window; the third case needs none.
      const seen = new Set([main]);
      for (let i = 0; i < 2; i++) {
        await toNewLoginWindow(wd, seen);
        await fillOpForms(wd, 'carol');
      }
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=lab-summary]', { text: '2 passed · 1 failed', timeout: 30000 });
      const rows = await wd.findAll('[data-testid=lab-row]');
      if (rows.length !== 3) throw new Error(`${rows.length} matrix rows`);
      const failure = await wd.text(await wd.waitFor('[data-testid=lab-failure]'));
      if (!failure.includes('claim `name`')) throw new Error(`the failure says ${failure}`);
      await wd.waitFor('[data-testid=lab-matrix]', { text: 'api:read' });
      // The failing case's row opens its details (and scrolls the matrix into view).
      await wd.click((await wd.findAll('[data-testid=lab-row] td:first-child'))[1]);
      await wd.waitFor('[data-testid=lab-case]', { text: (t) => /email only/i.test(t) });
      await shot(wd, 'lab');
      await wd.clickCss('[data-testid=lab-export-junit]');
      const toast = await wd.text(await wd.waitFor('[data-testid=toast]', { text: 'Saved' }));
      const xml = readFileSync(toast.replace(/^.*Saved /, '').trim(), 'utf8');
      if ((xml.match(/<testcase /g) ?? []).length !== 3) throw new Error(`JUnit: ${xml}`);
      if ((xml.match(/<failure /g) ?? []).length !== 1) throw new Error(`JUnit: ${xml}`);
      // The provider's own tokens were never touched.
      await wd.waitFor('[data-testid=status-word]', { text: 'not signed in' });
    });

    await step('token exchange: a signed-in provider\'s token becomes another\'s', async () => {
      await wd.clickCss('[data-testid=provider-svc]');
      await wd.waitFor('[data-testid=provider-title]', { text: 'svc' });
      await wd.clickCss('[data-testid=provider-menu]');
      await wd.clickCss('[data-testid=grant-exchange]');
      await wd.waitFor('[data-testid=grant-dialog-exchange]');
      await selectOption(wd, '[data-testid=exchange-subject]', 'shop');
      await wd.fill('input[placeholder="https://api.example"]', 'https://api.example');
      await shot(wd, 'exchange');
      await wd.clickCss('[data-testid=grant-submit]');
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in', timeout: 20000 });
      await wd.waitGone('[data-testid=grant-dialog-exchange]');
    });

    await step('a hybrid sign-in (code id_token) with form_post, in the login window', async () => {
      await wd.clickCss('[data-testid=provider-hy]');
      await wd.waitFor('[data-testid=provider-title]', { text: 'hy' });
      await wd.clickCss('[data-testid=sign-in-menu]');
      await wd.clickCss('[data-testid=sign-in-response-type]');
      await selectOption(wd, '[data-testid=response-type]', 'code id_token');
      await selectOption(wd, '[data-testid=response-mode]', 'form_post');
      await wd.clickCss('[data-testid=grant-submit]');
      await signInThroughLoginWindow(wd, main, 'alice');
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in', timeout: 30000 });
      await wd.clickCss('[data-testid=tab-validation]');
      await wd.waitFor('[data-testid=checklist]', { text: 'c_hash matches' });
      await shot(wd, 'hybrid');
      await wd.clickCss('[data-testid=tab-tokens]');
    });

    await step('sign out everywhere, then a sign-in asks for the password again', async () => {
      await wd.clickCss('[data-testid=sign-out-everywhere]');
      await toLoginWindow(wd, main);
      // The OP asks to confirm; a person clicks "Yes, sign me out" (the redirect back ends the window).
      await wd.clickClosingWindow('button[value=yes]');
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=status-word]', { text: 'not signed in', timeout: 20000 });
      await wd.clickCss('[data-testid=sign-in]');
      await toLoginWindow(wd, main);
      await wd.waitFor('input[name=login]');
      await fillOpForms(wd, 'alice');
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in', timeout: 30000 });
    });

    await step('DPoP + PAR from the Security profile: the binding shown, Try it at userinfo, a challenge remedied by its button', async () => {
      await wd.clickCss('[data-testid=add-provider]');
      await wd.clickCss('[data-testid=template-oidc]');
      await wd.fill('[data-testid=field-name]', 'dpop');
      await wd.fill('[data-testid=field-issuer]', issuer);
      await wd.fill('[data-testid=field-client_id]', 'dpop-app');
      // No openid: userinfo will ask for it, which is the challenge to remedy.
      await wd.fill('[data-testid=field-scope]', 'profile');
      await wd.clickCss('[data-testid=toggle-security]');
      await wd.clickCss('[data-testid=field-dpop]');
      await selectOption(wd, '[data-testid=field-par]', 'on');
      await wd.fill('[data-testid=field-authorization_details]', '{"type": "x"}');
      await wd.waitFor('[data-testid=error-authorization_details]', { text: 'array' });
      // (A space, not a clear: WebDriver's clear fires no input event; a blank field is unset.)
      await wd.fill('[data-testid=field-authorization_details]', ' ');
      await wd.waitFor('[data-testid=error-authorization_details]', { text: (t) => t.trim() === '' });
      await shot(wd, 'security-profile');
      await wd.clickCss('[data-testid=save-provider]');
      await wd.waitFor('[data-testid=provider-title]', { text: 'dpop' });
      await wd.clickCss('[data-testid=sign-in]');
      await toLoginWindow(wd, main);
      const url = await wd.url();
      if (!url.startsWith(issuer)) throw new Error(`the login window shows ${url}`);
      await fillOpForms(wd, 'alice');
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in', timeout: 30000 });
      const pushed = await (await fetch(`${issuer}/_test/pushed`)).json();
      if (!pushed.some((p) => p.client_id === 'dpop-app' && p.status === 201)) throw new Error(`no pushed request: ${JSON.stringify(pushed)}`);
      await wd.waitFor('[data-testid=binding]', { text: (t) => t.includes('✓') && t.includes('DPoP-bound') });
      await shot(wd, 'dpop-token');
      await wd.clickCss('[data-testid=tab-try]');
      await wd.waitFor('[data-testid=try-url]');
      await wd.clickCss('[data-testid=try-send]');
      await wd.waitFor('[data-testid=try-status]', { text: '403' });
      await wd.waitFor('[data-testid=try-challenge]', { text: 'insufficient_scope' });
      await wd.waitFor('[data-testid=try-presented]', { text: 'DPoP' });
      await shot(wd, 'try-challenge');
      await wd.clickCss('[data-testid=try-remedy]');
      await signInThroughLoginWindow(wd, main, 'alice');
      await wd.waitFor('[data-testid=try-status]', { text: '200', timeout: 30000 });
      await wd.waitFor('[data-testid=try-body-out]', { text: 'alice' });
      await shot(wd, 'try-it');
      await wd.clickCss('[data-testid=tab-tokens]');
    });

    await step('a project file: the environment pill switches dev and stage, each with its own tokens', async () => {
      await wd.clickCss('[data-testid=project-menu]');
      await wd.clickCss('[data-testid=open-project]');
      await wd.fill('[data-testid=project-path]', projectFile);
      await wd.clickCss('[data-testid=project-open]');
      await wd.waitFor('[data-testid=env-switcher]', { text: 'dev' });
      // Trust before use: the file says what it will do, and nothing runs until it is allowed.
      const stageHost = new URL(stageIssuer).host;
      await wd.waitFor('[data-testid=trust-headline]', { text: stageHost });
      await wd.waitFor('[data-testid=sidebar-state-team]', { text: 'not allowed' });
      await wd.clickCss('[data-testid=trust-details] summary');
      await shot(wd, 'trust-banner');
      await wd.clickCss('[data-testid=trust-allow]');
      await wd.waitGone('[data-testid=trust-banner]');
      await wd.waitFor('[data-testid=sidebar-state-team]', { text: (t) => !t.includes('not allowed') });
      await wd.clickCss('[data-testid=provider-team]');
      await wd.waitFor('[data-testid=panel-env]', { text: 'dev' });
      await signInFromPanel(wd, main, 'alice');
      // Stage: another issuer, no token yet.
      await wd.clickCss('[data-testid=env-switcher]');
      await wd.clickCss('[data-testid=env-stage]');
      await wd.waitFor('[data-testid=panel-env]', { text: 'stage' });
      await wd.waitFor('[data-testid=status-word]', { text: 'not signed in' });
      await wd.clickCss('[data-testid=sign-in]');
      await toLoginWindow(wd, main);
      const stageUrl = await wd.url();
      if (!stageUrl.startsWith(stageIssuer)) throw new Error(`stage's sign-in went to ${stageUrl}`);
      await fillOpForms(wd, 'stella');
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in', timeout: 30000 });
      await shot(wd, 'environments');
      // Back to dev: its tokens are still there, no new sign-in.
      await wd.clickCss('[data-testid=env-switcher]');
      await wd.clickCss('[data-testid=env-dev]');
      await wd.waitFor('[data-testid=panel-env]', { text: 'dev' });
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in' });
    });

    await step('Sign in as… a second identity: its login hint, its own tokens and line in the sidebar', async () => {
      await wd.clickCss('[data-testid=sign-in-menu]');
      await wd.clickCss('[data-testid=sign-in-as]');
      await wd.fill('[data-testid=identity-name]', 'viewer');
      await wd.fill('[data-testid=identity-login-hint]', 'vera');
      await wd.clickCss('[data-testid=identity-add]');
      await toLoginWindow(wd, main);
      const login = await wd.waitFor('input[name=login]');
      const hinted = await wd.execute('return document.querySelector("input[name=login]").value', []);
      if (hinted !== 'vera') throw new Error(`the login form was not filled from the login hint: ${hinted}`);
      void login;
      await fillOpForms(wd, 'vera');
      await backToMain(wd, main);
      await wd.waitFor('[data-testid=identity-title]', { text: '@viewer' });
      await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in', timeout: 30000 });
      await wd.waitFor('[data-testid="sidebar-state-team@viewer"]', { text: (t) => /\d+:\d\d/.test(t) });
      await wd.clickCss('[data-testid=tab-claims]');
      await wd.waitFor('[data-testid=claims-id]', { text: 'vera' });
      await shot(wd, 'identities');
      await wd.clickCss('[data-testid=tab-tokens]');
      // The default identity is still alice's.
      await wd.clickCss('[data-testid=provider-team]');
      await wd.clickCss('[data-testid=tab-claims]');
      await wd.waitFor('[data-testid=claims-id]', { text: 'alice' });
      await wd.clickCss('[data-testid=tab-tokens]');
      const show = JSON.parse(execFileSync(cli, ['show', 'team@viewer', '--json'], { env: { ...env, OAUTH_DESK_PROJECT: projectFile } }).toString());
      if (show.id_token?.claims?.sub !== 'vera' || show.environment !== 'dev') throw new Error(`the CLI sees ${JSON.stringify(show).slice(0, 200)}`);
      await wd.clickCss('[data-testid=project-menu]');
      await wd.clickCss('[data-testid=close-project]');
      await wd.waitGone('[data-testid=env-switcher]');
    });

    await step('the login window has no IPC: a page in it gets nothing from the app', async () => {
      // The sidebar is drawn anew as the project closes: a click on the old line can be lost.
      for (let attempt = 1; ; attempt++) {
        await wd.clickCss('[data-testid=provider-probe]');
        try {
          await wd.waitFor('[data-testid=provider-title]', { text: 'probe', timeout: 5000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
        }
      }
      await wd.clickCss('[data-testid=sign-in]');
      await toLoginWindow(wd, main);
      const result = await wd.waitFor('#result', { text: (t) => t !== 'pending' });
      const text = await wd.text(result);
      log(`login window IPC probe: ${text}`);
      if (!/^(denied|no IPC|no answer)/.test(text)) throw new Error(text);
      await wd.switchTo(main);
      await wd.clickCss('[data-testid=cancel-sign-in]');
      await backToMain(wd, main);
    });
  } finally {
    hostile.server.close();
    flaky.server.close();
    await wd.quit();
    log(`WebDriver requests tried again after a dropped connection: ${wd.retries}`);
    rmSync(home, { recursive: true, force: true });
    rmSync(projectDir, { recursive: true, force: true });
  }
}

main()
  .catch((e) => {
    if (!failures) console.error('[e2e] error:', e);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill();
  });
