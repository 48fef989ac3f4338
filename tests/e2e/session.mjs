// What the app's end-to-end test and the after-use memory benchmark (benches/app_heavy.mjs)
// share: the test OP, the WebDriver server, and a person signing in through the login window.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer } from 'node:net';
import { sleep } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');

/** Processes to stop when the run ends. */
export const children = [];

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** The test OP on a free port (10-second access tokens unless `env` says otherwise); its issuer. */
export function startOp(env = {}) {
  const op = spawn('node', [join(root, 'tests/op/server.js')], {
    env: { ...process.env, OP_PORT: '0', OP_ACCESS_TTL: '10', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(op);
  return new Promise((res, rej) => {
    const lines = createInterface({ input: op.stdout });
    lines.once('line', (line) => res(JSON.parse(line).issuer));
    op.once('exit', (code) => rej(new Error(`the test OP exited (${code})`)));
  });
}

/**
 * WebKitGTK's WebDriver server on a free port; its address. Spoken to directly rather than
 * through tauri-driver, which on Linux only renames the capability (`webkitgtk:browserOptions`,
 * see WebDriver.start) and sets the two variables below — and whose pooled connections to this
 * server dropped about one request in fifty (measured: 13 and 18 in two runs), each a call to
 * retry that might already have acted.
 */
export async function startDriver(env) {
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    // The app inherits this environment; Tauri lets WebDriver drive its web views only with
    // TAURI_WEBVIEW_AUTOMATION (TAURI_AUTOMATION for Tauri 1).
    env: { ...env, TAURI_AUTOMATION: 'true', TAURI_WEBVIEW_AUTOMATION: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(driver);
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      return `http://127.0.0.1:${port}`;
    } catch {
      await sleep(200);
    }
  }
  throw new Error('WebKitWebDriver did not start');
}

/** Switches to the login window once it exists; returns the main window's handle. */
export async function toLoginWindow(wd, main) {
  for (let i = 0; i < 80; i++) {
    const other = (await wd.handles()).find((h) => h !== main);
    if (other) {
      await wd.switchTo(other);
      return;
    }
    await sleep(250);
  }
  throw new Error('no login window opened');
}

/** The OP's devInteractions pages: login (unless the OP session is still signed in), then
 * consent. Tests share WebKit's default context, so the OP's session cookie survives. */
export async function fillOpForms(wd, user) {
  const first = await wd.waitFor('input[name=login], button[type=submit]');
  if ((await wd.findAll('input[name=login]')).length) {
    await wd.fill('input[name=login]', user);
    await wd.fill('input[name=password]', 'any password');
    await wd.clickCss('button[type=submit]');
  } else {
    void first;
  }
  // Continue ends the window: the redirect to the app's loopback listener closes it.
  await wd.clickClosingWindow('button[type=submit]', { text: 'Continue' });
}

export async function backToMain(wd, main) {
  // The app closes the login window once the redirect is captured.
  for (let i = 0; i < 80; i++) {
    const handles = await wd.handles();
    if (handles.length === 1 && handles[0] === main) break;
    await sleep(250);
  }
  await wd.switchTo(main);
}

/** A person in the login window a click just opened: the OP's forms as `user`, then back. */
export async function signInThroughLoginWindow(wd, main, user) {
  await toLoginWindow(wd, main);
  await fillOpForms(wd, user);
  await backToMain(wd, main);
}

/** A person clicking the panel's Sign in, then the OP's forms as `user`: the panel says signed in. */
export async function signInFromPanel(wd, main, user) {
  await wd.clickCss('[data-testid=sign-in]');
  await signInThroughLoginWindow(wd, main, user);
  await wd.waitFor('[data-testid=status-word]', { text: (t) => t.trim() === 'signed in', timeout: 30000 });
}
