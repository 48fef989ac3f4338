// Browser tests of the built UI (ui/dist) in Debian's Chromium, driven by Playwright, with the
// Tauri shell replaced by mock-ipc.js: provider form validation, token view, countdown, copy,
// error states, events, small windows. The real shell is covered by tests/e2e.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { dpopSignedIn, identity, notSignedIn, signedIn } from './fixtures.js';

const dist = resolve(import.meta.dirname, '../../dist');
const mockScript = await readFile(join(import.meta.dirname, 'mock-ipc.js'), 'utf8');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
let server;
let base;
let browser;
let page;

before(async () => {
  server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    try {
      const body = await readFile(join(dist, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'text/html' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Opens the UI with `handlers` answering the shell's commands. */
async function open(handlers, viewport = { width: 1280, height: 800 }) {
  page = await browser.newPage({ viewport });
  await page.addInitScript(mockScript);
  await page.addInitScript(`window.__fixtures = ${JSON.stringify(handlers.fixtures ?? {})};`);
  await page.addInitScript(handlers.script);
  await page.goto(base);
  return page;
}

const window_calls_saved = (list) => list.filter((c) => c.save).length;
const calls = (cmd) => page.evaluate((c) => window.__mock.calls.filter((x) => x.cmd === c).map((x) => x.args), cmd);

beforeEach(async () => {
  await page?.close();
});

describe('empty state', () => {
  test('says what to do first', async () => {
    await open({ script: `window.__mock.handlers.list_providers = () => []; window.__mock.handlers.list_templates = () => [];` });
    await page.getByTestId('empty-state').waitFor();
    assert.match(await page.getByTestId('empty-state').innerText(), /Add your first provider/);
  });
});

describe('provider form', () => {
  test("shows the engine's check of each field as typed and sends nothing it refuses", async () => {
    await open({ script: `window.__mock.handlers.list_providers = () => []; window.__mock.handlers.list_templates = () => [];
      window.__mock.handlers.add_provider = ({ spec }) => ({ ...window.__fixtures.view, name: spec.name, key: spec.name, reference: { name: spec.name, identity: null, project: null } });
      // The engine's words (provider::check) for a name with a space, an issuer without a scheme,
      // no client id, and a problem of no field the form shows.
      window.__mock.handlers.check_provider = ({ draft }) => draft.spec.name === 'bad name' ? [
        { field: 'name', message: 'invalid provider name "bad name": use letters, digits, \\'_\\', \\'.\\' and \\'-\\' (at most 64 characters)' },
        { field: 'issuer', message: 'invalid issuer "op.example": not a URL (it needs a scheme, like https://…)' },
        { field: 'client_id', message: 'the client id is empty' },
        { field: 'form', message: 'a client certificate needs its private key too, and a key its certificate' },
      ] : [];`,
      fixtures: { view: notSignedIn('new-op') } });
    await page.getByTestId('add-provider').click();
    await page.getByTestId('template-oidc').click();
    await page.getByTestId('field-name').fill('bad name');
    await page.getByTestId('field-issuer').fill('op.example');
    await page.getByTestId('field-issuer').blur();
    // The engine answers as the user types (asynchronously): shown once the field is left.
    await page.getByTestId('error-issuer').filter({ hasText: /^Invalid issuer "op.example": not a URL/ }).waitFor();
    await page.getByTestId('save-provider').click();
    assert.match(await page.getByTestId('error-name').innerText(), /^Invalid provider name "bad name": use letters, digits/);
    assert.equal(await page.getByTestId('error-client_id').innerText(), 'The client id is empty.');
    assert.match(await page.getByTestId('form-invalid').innerText(), /^A client certificate needs its private key too/);
    assert.equal((await calls('add_provider')).length, 0);
    const [asked] = (await calls('check_provider')).slice(-1);
    assert.equal(asked.draft.spec.issuer, 'op.example', 'the engine was asked about the form as typed');
    assert.equal(asked.draft.client_secret, false);

    await page.getByTestId('field-name').fill('new-op');
    await page.getByTestId('field-issuer').fill('https://op.example');
    await page.getByTestId('field-client_id').fill('app');
    await page.getByTestId('field-client_secret').fill('s3cret');
    await page.getByTestId('save-provider').click();
    await page.getByTestId('provider-title').filter({ hasText: 'new-op' }).waitFor();
    const [args] = await calls('add_provider');
    assert.equal(args.spec.issuer, 'https://op.example');
    assert.equal(args.spec.client_id, 'app');
    assert.equal(args.secrets.client_secret, 's3cret');
    const [last] = (await calls('check_provider')).slice(-1);
    assert.equal(last.draft.client_secret, true, 'a typed secret is held once saved');
  });

  test("shows the engine's refusal where the form is", async () => {
    await open({ script: `window.__mock.handlers.list_providers = () => []; window.__mock.handlers.list_templates = () => [];
      window.__mock.handlers.add_provider = () => { throw { kind: 'network', message: 'discovery failed: connection refused at https://op.example', server_error: null, server_description: null }; };` });
    await page.getByTestId('add-provider').click();
    await page.getByTestId('template-oidc').click();
    await page.getByTestId('field-issuer').fill('https://op.example');
    await page.getByTestId('field-client_id').fill('app');
    await page.getByTestId('save-provider').click();
    assert.match(await page.getByTestId('error').innerText(), /discovery failed/);
    await page.getByTestId('provider-form').waitFor();
  });
});

describe('security profile and Try it', () => {
  test('the authorization details are checked as typed; DPoP and PAR are sent', async () => {
    await open({ script: `window.__mock.handlers.list_providers = () => []; window.__mock.handlers.list_templates = () => [];
      window.__mock.handlers.add_provider = ({ spec }) => ({ ...window.__fixtures.view, name: spec.name, key: spec.name, reference: { name: spec.name, identity: null, project: null } });
      window.__mock.handlers.check_provider = ({ draft }) => draft.spec.authorization_details?.includes('kind')
        ? [{ field: 'authorization_details', message: 'invalid authorization details (RFC 9396): item 1 has no type' }] : [];`,
      fixtures: { view: notSignedIn('fapi') } });
    await page.getByTestId('add-provider').click();
    await page.getByTestId('template-oidc').click();
    await page.getByTestId('field-name').fill('fapi');
    await page.getByTestId('field-issuer').fill('https://op.example');
    await page.getByTestId('field-client_id').fill('app');
    await page.getByTestId('toggle-security').click();
    await page.getByTestId('field-dpop').check();
    await page.getByTestId('field-dpop_alg').selectOption('EdDSA');
    await page.getByTestId('field-par').selectOption('on');
    await page.getByTestId('field-authorization_details').fill('[{"kind": "x"}]');
    assert.equal(await page.getByTestId('error-authorization_details').innerText(), 'Invalid authorization details (RFC 9396): item 1 has no type.');
    await page.getByTestId('save-provider').click();
    assert.equal((await calls('add_provider')).length, 0, 'nothing invalid is sent');
    await page.getByTestId('field-authorization_details').fill('[{"type": "payment_initiation"}]');
    await page.getByTestId('save-provider').click();
    await page.getByTestId('provider-title').filter({ hasText: 'fapi' }).waitFor();
    const [args] = await calls('add_provider');
    assert.equal(args.spec.dpop, true);
    assert.equal(args.spec.dpop_alg, 'EdDSA');
    assert.equal(args.spec.par, 'on');
    assert.equal(args.spec.authorization_details, '[{"type": "payment_initiation"}]');
  });

  test('a 401 naming the API\'s metadata opens Add a provider from that API URL', async () => {
    await open({
      script: `window.__mock.handlers.list_providers = () => [window.__fixtures.op];
        window.__mock.handlers.get_provider = () => window.__fixtures.op;
        window.__mock.handlers.get_trace = () => null;
        window.__mock.handlers.list_templates = () => [];
        window.__mock.handlers.add_provider = ({ spec }) => ({ ...window.__fixtures.op, name: spec.name, key: spec.name, reference: { name: spec.name, identity: null, project: null } });
        window.__mock.handlers.call_resource = () => ({ status: 401, headers: [], content_type: null, body: '', pretty_body: null, shown_body: '', truncated: false,
          elapsed_ms: 3, presented_as: 'Bearer', client_certificate: false,
          challenge: { scheme: 'Bearer', error: null, error_description: null, explanation: 'The resource names its metadata (RFC 9728).',
            remedy: { kind: 'add_from_resource', url: 'https://api.example/v1/items', metadata: 'https://api.example/.well-known/oauth-protected-resource/v1' } } });`,
      fixtures: { op: dpopSignedIn('op') },
    });
    await page.getByTestId('tab-try').click();
    await page.getByTestId('try-send').click();
    assert.equal(await page.getByTestId('try-remedy').innerText(), 'Add a provider from this API');
    await page.getByTestId('try-remedy').click();
    assert.equal(await page.getByTestId('field-api_url').inputValue(), 'https://api.example/v1/items');
    await page.getByTestId('field-name').fill('api');
    await page.getByTestId('field-client_id').fill('app');
    await page.getByTestId('save-provider').click();
    await page.getByTestId('provider-title').filter({ hasText: 'api' }).waitFor();
    const [args] = await calls('add_provider');
    assert.equal(args.fromResource, 'https://api.example/v1/items');
    assert.equal(args.spec.issuer, null, 'the metadata names the server');
  });

  test('Try it shows the answer, explains the challenge, and its button signs in with the scope', async () => {
    await open({
      script: `window.__mock.handlers.list_providers = () => [window.__fixtures.op];
        window.__mock.handlers.get_provider = () => window.__fixtures.op;
        window.__mock.handlers.get_trace = () => null;
        window.__mock.handlers.copy_resource_headers = () => null;
        window.__mock.handlers.sign_in = () => window.__fixtures.op;
        let first = true;
        window.__mock.handlers.call_resource = () => {
          const ok = !first; first = false;
          return ok
            ? { status: 200, headers: [['content-type', 'application/json']], content_type: 'application/json', body: '{"sub":"alice"}',
                pretty_body: '{\\n  "sub": "alice"\\n}', shown_body: '{\\n  "sub": "alice"\\n}', truncated: false, elapsed_ms: 12, presented_as: 'DPoP', client_certificate: false, challenge: null }
            : { status: 403, headers: [['www-authenticate', 'DPoP error="insufficient_scope", scope="openid"']], content_type: null, body: '',
                pretty_body: null, shown_body: '', truncated: false, elapsed_ms: 9, presented_as: 'DPoP', client_certificate: false,
                challenge: { scheme: 'DPoP', error: 'insufficient_scope', error_description: null,
                  explanation: 'The token lacks the scope the resource needs (insufficient_scope, RFC 6750 §3.1): openid.',
                  remedy: { kind: 'sign_in', scope: 'profile openid', params: [] } } };
        };`,
      fixtures: { op: dpopSignedIn('op') },
    });
    await page.getByTestId('binding').filter({ hasText: 'DPoP-bound' }).waitFor();
    await page.getByTestId('tab-try').click();
    assert.equal(await page.getByTestId('try-url').inputValue(), 'https://op.example/me');
    await page.getByTestId('try-send').click();
    assert.equal(await page.getByTestId('try-status').innerText(), '403');
    assert.match(await page.getByTestId('try-challenge').innerText(), /insufficient_scope/);
    await page.getByTestId('try-remedy').click();
    await page.getByTestId('try-status').filter({ hasText: '200' }).waitFor();
    const [signIn] = await calls('sign_in');
    assert.equal(signIn.options.scope, 'profile openid');
    assert.match(await page.getByTestId('try-body-out').innerText(), /alice/);
    await page.getByTestId('copy-resource-headers').click();
    assert.deepEqual(await calls('copy_resource_headers'), [{ provider: { name: 'op', identity: null, project: null }, method: 'GET', url: 'https://op.example/me' }]);
  });
});

describe('token view', () => {
  const script = `window.__mock.handlers.list_providers = () => [window.__fixtures.op];
    window.__mock.handlers.get_provider = () => window.__fixtures.op;
    window.__mock.handlers.get_trace = () => null;
    window.__mock.handlers.copy_token = () => null;
    window.__mock.handlers.reveal_token = () => 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln';`;

  test('counts down once a second, hides the token until revealed, copies without revealing', async () => {
    await open({ script, fixtures: { op: signedIn('op') } });
    const countdown = page.getByTestId('countdown');
    const first = await countdown.innerText();
    assert.match(first, /^[34]:\d\d$/);
    await page.waitForFunction((f) => document.querySelector('[data-testid=countdown]').innerText !== f, first, { timeout: 3000 });
    assert.match(await page.getByTestId('sidebar-state-op').innerText(), /^[34]:\d\d$/);

    assert.match(await page.getByTestId('token-value-access').innerText(), /^•+$/);
    await page.getByTestId('copy-menu-access').click();
    await page.getByTestId('copy-header').click();
    await page.getByTestId('toast').filter({ hasText: 'Authorization header copied' }).waitFor();
    assert.deepEqual(await calls('copy_token'), [{ provider: { name: 'op', identity: null, project: null }, kind: 'access', format: 'header' }]);
    await page.getByTestId('toast').waitFor({ state: 'detached', timeout: 4000 });
    assert.equal((await calls('reveal_token')).length, 0);

    await page.getByTestId('reveal-access').click();
    await page.locator('.jwt-part-1').filter({ hasText: 'eyJzdWIiOiJhbGljZSJ9' }).waitFor();
    await page.getByTestId('reveal-access').click();
    assert.match(await page.getByTestId('token-value-access').innerText(), /^•+$/);
  });

  test('keyboard: H copies the header, Ctrl+K opens the palette', async () => {
    await open({ script, fixtures: { op: signedIn('op') } });
    await page.getByTestId('countdown').waitFor();
    await page.keyboard.press('h');
    await page.getByTestId('toast').waitFor();
    assert.equal((await calls('copy_token'))[0].format, 'header');
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette').waitFor();
    await page.keyboard.type('curl');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__mock.calls.some((c) => c.cmd === 'copy_token' && c.args.format === 'curl'));
  });

  test('claims, checklist and scopes read as the UI sketch says', async () => {
    await open({ script, fixtures: { op: signedIn('op') } });
    await page.getByTestId('tab-claims').click();
    const claims = await page.getByTestId('claims-id').innerText();
    assert.match(claims, /sub\s+alice/);
    assert.match(claims, /custom_claim\s+\{"a":1\}/);
    assert.match(claims, /exp\s+\d+ · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · in \d+ min/);
    await page.getByTestId('tab-validation').click();
    const checks = await page.getByTestId('checklist').innerText();
    assert.match(checks, /✓\s+signature/);
    assert.match(checks, /✗\s+aud/);
    assert.match(checks, /–\s+at_hash/);
    await page.getByTestId('tab-scopes').click();
    const scopes = await page.getByTestId('scopes').innerText();
    assert.match(scopes, /api:write\s+✗ missing/);
    assert.match(scopes, /email\s+\+ extra/);
  });

  test('a refused refresh shows the sentence and the server error where it happened', async () => {
    // As the engine does: the refused refresh token marks the tokens, announces the change, fails.
    await open({ script: script + `window.__mock.handlers.refresh = () => {
        window.__fixtures.op = { ...window.__fixtures.op, report: { ...window.__fixtures.op.report, status: 'sign_in_needed', status_detail: 'the refresh token was refused' } };
        window.__mock.emit('desk', { kind: 'tokens', provider: 'op' });
        throw { kind: 'sign_in_needed', message: 'op needs a new sign-in (the server refused the refresh token). Sign in again.', advice: { kind: 'sign_in' }, server_error: 'invalid_grant', server_description: 'grant request is invalid' }; };`,
      fixtures: { op: signedIn('op') } });
    await page.getByTestId('refresh').click();
    const error = await page.getByTestId('error').innerText();
    assert.match(error, /needs a new sign-in/);
    assert.match(error, /invalid_grant: grant request is invalid/);
    assert.match(await page.getByTestId('sidebar-state-op').innerText(), /sign-in needed/);
    // The engine's typed advice becomes a button that does it.
    await page.evaluate(() => (window.__mock.handlers.sign_in = () => window.__fixtures.op));
    await page.getByTestId('error-remedy').filter({ hasText: 'Sign in again' }).click();
    await page.waitForFunction(() => window.__mock.calls.some((c) => c.cmd === 'sign_in'));
    assert.deepEqual((await calls('sign_in'))[0], {
      provider: { name: 'op', identity: null, project: null },
      options: { fresh: false, system_browser: null, scope: null, response_type: null, response_mode: null, params: [] },
    });
  });

  test('the engine\'s changes update the status without a reload', async () => {
    await open({ script, fixtures: { op: signedIn('op') } });
    await page.getByTestId('countdown').waitFor();
    await page.evaluate(() => window.__mock.emit('desk', { kind: 'refreshing', provider: 'op' }));
    await page.getByTestId('status-word').filter({ hasText: 'refreshing' }).waitFor();
    await page.evaluate(() => {
      const op = window.__fixtures.op;
      window.__fixtures.op = { ...op, report: { ...op.report, status: 'sign_in_needed', status_detail: 'refresh token expired' } };
      window.__mock.emit('desk', { kind: 'keeper', event: { kind: 'sign_in_needed', provider: 'op', reason: 'refresh token expired' } });
    });
    await page.getByTestId('status-word').filter({ hasText: 'sign-in needed' }).waitFor();
    assert.match(await page.getByTestId('status-line').innerText(), /refresh token expired/);
  });

  test('a failing background refresh leaves a working token signed in, counting down, with the retry', async () => {
    await open({ script, fixtures: { op: signedIn('op') } });
    await page.getByTestId('countdown').waitFor();
    await page.evaluate(() => {
      const op = window.__fixtures.op;
      const now = Math.floor(Date.now() / 1000);
      window.__fixtures.op = { ...op, report: { ...op.report, last_refresh_error: { message: 'could not reach the server', failed_at: now, next_attempt_at: now + 40 } } };
      window.__mock.emit('desk', { kind: 'keeper', event: { kind: 'refresh_failed', provider: 'op', reason: 'could not reach the server', retry_in_secs: 40 } });
    });
    const problem = await page.getByTestId('refresh-problem');
    await problem.waitFor();
    assert.match(await problem.innerText(), /last refresh failed: could not reach the server · retrying in (39|40) s/);
    assert.match(await page.getByTestId('status-word').innerText(), /signed in/);
    await page.getByTestId('expires-in').waitFor();
    await page.getByTestId('sidebar-refresh-problem-op').waitFor();
  });

  test('an expired token says so, without a layout jump while it counts down', async () => {
    await open({ script, fixtures: { op: signedIn('op', { left: 2 }) } });
    const box = await page.getByTestId('token-access').boundingBox();
    await page.getByTestId('status-word').filter({ hasText: 'expired' }).waitFor({ timeout: 5000 });
    assert.deepEqual(await page.getByTestId('token-access').boundingBox(), box);
  });
});

describe('providers', () => {
  const script = `window.__mock.handlers.list_providers = () => window.__fixtures.list;
    window.__mock.handlers.get_trace = () => null;
    window.__mock.handlers.remove_provider = () => null;
    window.__mock.handlers.get_settings = () => ({ clipboard_clear_secs: 60, close_to_tray: true, notifications: true });
    window.__mock.handlers.set_settings = ({ settings }) => settings;
    window.__mock.handlers.import_providers = ({ rename, save }) => {
      const provider = { name: rename, source: 'the pasted text', grant: 'authorization code', token_url: 'https://op.example/token',
        has_client_secret: false, needs_client_secret: true };
      if (save) window.__fixtures.list.push({ ...window.__fixtures.list[0], name: rename, key: rename, reference: { name: rename, identity: null, project: null } });
      return { format: 'oauth-desk', collection: null, providers: [provider],
        notes: [{ source: 'the pasted text', setting: 'state', reason: 'not kept' }], saved: save };
    };
    window.__mock.handlers.reorder_providers = () => null;`;

  test('delete asks first, and only then deletes', async () => {
    await open({ script, fixtures: { list: [notSignedIn('a'), notSignedIn('b')] } });
    await page.getByTestId('provider-menu').click();
    await page.getByTestId('delete-provider').click();
    assert.equal((await calls('remove_provider')).length, 0);
    await page.getByTestId('confirm-delete').click();
    await page.getByTestId('provider-title').filter({ hasText: 'b' }).waitFor();
    assert.deepEqual(await calls('remove_provider'), [{ provider: { name: 'a', identity: null, project: null } }]);
  });

  test('Alt+Down moves a provider and saves the order', async () => {
    await open({ script, fixtures: { list: [notSignedIn('a'), notSignedIn('b'), notSignedIn('c')] } });
    await page.getByTestId('provider-a').focus();
    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForFunction(() => window.__mock.calls.some((c) => c.cmd === 'reorder_providers'));
    assert.deepEqual((await calls('reorder_providers'))[0].names, ['b', 'a', 'c']);
    const order = await page.locator('[data-testid=provider-list] .provider-name').allInnerTexts();
    assert.deepEqual(order, ['b', 'a', 'c']);
  });

  test('import shows what it will add and what it could not map, then saves', async () => {
    await open({ script, fixtures: { list: [notSignedIn('a')] } });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('textarea').fill('{"oauth_desk_export": 1}');
    await page.getByLabel('Import an export under another name').fill('copy');
    await page.getByRole('button', { name: 'Preview' }).click();
    const report = await page.getByTestId('import-report').innerText();
    assert.match(report, /Will import 1 provider/);
    assert.match(report, /copy · authorization code/);
    assert.match(report, /add its client secret in Edit/);
    assert.match(await page.getByTestId('import-notes').innerText(), /state: not kept/);
    assert.equal(window_calls_saved(await calls('import_providers')), 0, 'a preview saves nothing');
    await page.getByTestId('import-save').click();
    await page.getByTestId('provider-title').filter({ hasText: 'copy' }).waitFor();
    const saved = (await calls('import_providers')).at(-1);
    assert.deepEqual(saved, {
      files: [{ path: 'the pasted text', text: '{"oauth_desk_export": 1}' }],
      format: 'auto', env: null, rename: 'copy', save: true,
    });
  });

  test('settings: the clipboard delay is saved', async () => {
    await open({ script, fixtures: { list: [notSignedIn('a')] } });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Clear the clipboard after').fill('15');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Settings saved' }).waitFor();
    assert.equal((await calls('set_settings'))[0].settings.clipboard_clear_secs, 15);
  });
});

describe('projects and identities', () => {
  const file = '/repo/oauth-desk.toml';
  const place = (env) => ({ file, env });
  /** `api` of the project file in `env`, with its identity `admin` signed in. */
  function projectApi(env) {
    const view = signedIn('api');
    const exp = view.report.access_token.expires_at;
    view.reference = { name: 'api', identity: null, project: place(env) };
    view.key = `p-0123+${env}+api`;
    view.defined_in = { file, line: 7 };
    view.identities = [
      { ...identity('api', null, 'signed_in', exp), reference: view.reference, key: view.key },
      { ...identity('api', 'admin', 'signed_in', exp - 60, { kind: 'project_file', line: 11 }),
        reference: { name: 'api', identity: 'admin', project: place(env) }, key: `${view.key}@admin` },
    ];
    return view;
  }
  const script = `
    let env = 'dev';
    let trust = { state: 'allowed' };
    const footprint = { hosts: ['login.example.com', 'attacker.example.org'], endpoints: [], env_vars: ['AWS_SECRET_ACCESS_KEY'], files: [], secrets: ['api-secret'], problems: [] };
    const project = () => ({ file: '${file}', current: env, chosen_by: 'remembered', providers: ['api'],
      trust: { file: '${file}', state: trust, footprint, sha256: 'ab12' },
      envs: [{ name: 'dev', current: env === 'dev', problem: null }, { name: 'stage', current: env === 'stage', problem: null },
             { name: 'prod', current: env === 'prod', problem: '${file}, line 3: [provider.api] issuer: \`\${issuer}\` is not defined in the environment prod' }] });
    window.__mock.handlers.project_view = project;
    window.__mock.handlers.use_environment = (args) => { env = args.env; return project(); };
    window.__trust = (t) => { trust = t; };
    window.__mock.handlers.allow_project = ({ sha256 }) => { trust = { state: 'allowed' }; return project().trust; };
    window.__mock.handlers.list_providers = () => [window.__fixtures[env]];
    window.__mock.handlers.get_provider = ({ provider }) => {
      const base = window.__fixtures[env];
      return provider.identity ? { ...base, reference: provider, key: base.key + '@' + provider.identity,
        report: { ...base.report, identity: provider.identity } } : base;
    };
    window.__mock.handlers.get_trace = () => null;
    window.__mock.handlers.open_project_file = () => null;
    window.__mock.handlers.add_identity = ({ provider, loginHint }) => {
      const base = window.__fixtures[env];
      const added = { reference: provider, key: base.key + '@' + provider.identity, typed: 'api@' + provider.identity,
        login_hint: loginHint, origin: { kind: 'this_machine' }, status: 'not_signed_in', expires_at: null, subject: null };
      base.identities.push(added);
      return added;
    };
    window.__mock.handlers.sign_in = ({ provider }) => window.__mock.handlers.get_provider({ provider });`;

  test('a changed project file gets the trust banner; Allow allows the file as shown, Not now puts it off', async () => {
    const changed = `${script}
      window.__trust({ state: 'changed', added: { hosts: ['attacker.example.org'], endpoints: [], env_vars: ['AWS_SECRET_ACCESS_KEY'], files: [], secrets: [], problems: [] } });`;
    const waiting = projectApi('dev');
    waiting.waiting_for_trust = true;
    waiting.hides_config_provider = true;
    await open({ script: changed, fixtures: { dev: waiting, stage: projectApi('stage') } });
    const headline = await page.getByTestId('trust-headline').innerText();
    assert.match(headline, /changed since you allowed it/);
    assert.match(headline, /attacker\.example\.org/);
    assert.match(headline, /\$AWS_SECRET_ACCESS_KEY/);
    assert.match(await page.getByTestId('sidebar-state-api').innerText(), /not allowed/);
    await page.getByTestId('shadows-api').waitFor();
    await page.getByTestId('trust-details').locator('summary').click();
    const fresh = await page.locator('.trust-new').allInnerTexts();
    assert.deepEqual(fresh, ['attacker.example.org', '$AWS_SECRET_ACCESS_KEY'], 'what the change adds is marked');
    await page.getByTestId('trust-not-now').click();
    assert.equal(await page.getByTestId('trust-banner').count(), 0);
    assert.deepEqual(await calls('allow_project'), [], 'Not now allows nothing');

    await open({ script: changed, fixtures: { dev: waiting, stage: projectApi('stage') } });
    await page.getByTestId('trust-allow').click();
    await page.waitForFunction(() => window.__mock.calls.some((c) => c.cmd === 'allow_project'));
    assert.deepEqual(await calls('allow_project'), [{ sha256: 'ab12' }], 'the file as shown is allowed');
    await page.getByTestId('trust-banner').waitFor({ state: 'detached' });
  });

  test('the environment pill switches, and the sidebar follows', async () => {
    await open({ script, fixtures: { dev: projectApi('dev'), stage: projectApi('stage') } });
    const pill = page.getByTestId('env-switcher');
    assert.match(await pill.innerText(), /dev/);
    assert.match(await pill.getAttribute('class'), /env-dev/);
    await page.getByTestId('sidebar-state-api@admin').waitFor();
    await pill.click();
    assert.match(await page.getByTestId('env-prod').innerText(), /has errors/);
    await page.getByTestId('env-stage').click();
    await page.getByTestId('panel-env').filter({ hasText: 'stage' }).waitFor();
    assert.deepEqual(await calls('use_environment'), [{ env: 'stage' }]);
    assert.match(await page.getByTestId('env-switcher').innerText(), /stage/);
  });

  test('an identity has its own line, countdown and panel; Sign in as… adds one and signs it in', async () => {
    await open({ script, fixtures: { dev: projectApi('dev'), stage: projectApi('stage') } });
    assert.match(await page.getByTestId('sidebar-state-api@admin').innerText(), /^\d+:\d\d$/);
    await page.getByTestId('identity-api@admin').click();
    await page.getByTestId('identity-title').filter({ hasText: '@admin' }).waitFor();
    const asked = (await calls('get_provider')).map((c) => c.provider.identity);
    assert.ok(asked.includes('admin'), 'the identity\'s own view is read');

    await page.getByTestId('sign-in-menu').click();
    await page.getByTestId('sign-in-as').click();
    await page.getByTestId('identity-name').fill('viewer');
    await page.getByTestId('identity-login-hint').fill('vera');
    await page.getByTestId('identity-add').click();
    await page.waitForFunction(() => window.__mock.calls.some((c) => c.cmd === 'sign_in'));
    const [added] = await calls('add_identity');
    assert.deepEqual(added, { provider: { name: 'api', identity: 'viewer', project: place('dev') }, loginHint: 'vera' });
    assert.deepEqual((await calls('sign_in'))[0].provider, { name: 'api', identity: 'viewer', project: place('dev') });
    await page.getByTestId('identity-api@viewer').waitFor();
  });

  test('a project provider\'s settings are read-only, with Open file', async () => {
    await open({ script, fixtures: { dev: projectApi('dev'), stage: projectApi('stage') } });
    await page.getByTestId('provider-menu').click();
    await page.getByTestId('edit-provider').click();
    assert.match(await page.getByTestId('project-provider-notice').innerText(), /line\s+7/);
    assert.equal(await page.getByTestId('field-client_id').isDisabled(), true);
    assert.equal(await page.getByTestId('save-provider').isVisible(), false);
    await page.getByTestId('open-project-file').click();
    await page.waitForFunction(() => window.__mock.calls.some((c) => c.cmd === 'open_project_file'));
  });
});

describe('small windows', () => {
  for (const viewport of [{ width: 800, height: 600 }, { width: 1280, height: 800 }]) {
    test(`nothing overflows sideways at ${viewport.width}×${viewport.height}`, async () => {
      await open({ script: `window.__mock.handlers.list_providers = () => [window.__fixtures.op, window.__fixtures.b];
        window.__mock.handlers.get_trace = () => null;`, fixtures: { op: signedIn('op'), b: notSignedIn('a-provider-with-a-long-name') } }, viewport);
      await page.getByTestId('countdown').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
      await page.getByTestId('refresh').waitFor({ state: 'visible' });
    });
  }
});

describe('audit', () => {
  test('the Audit tab shows each finding, its evidence on click, and exports', async () => {
    await open({
      script: `window.__mock.handlers.list_providers = () => [window.__fixtures.op];
        window.__mock.handlers.get_provider = () => window.__fixtures.op;
        window.__mock.handlers.get_trace = () => null;
        window.__mock.handlers.audit_plan = () => ({ provider: 'op', server: 'op.example', server_from: 'the issuer https://op.example', sign_ins: 4,
          summary: 'The active audit probes op.example (the issuer https://op.example) with 4 fresh sign-ins, and exchanges one code twice, which can make the server revoke that grant, the tokens kept for op with it',
          probes: ['4 fresh sign-ins at op.example', "sign-in 1's code is exchanged twice"] });
        window.__mock.handlers.export_audit = ({ format }) => '/home/me/Downloads/oauth-desk-audit-op.' + (format === 'junit' ? 'xml' : format);
        window.__mock.handlers.audit_provider = () => ({ provider: 'op', issuer: 'https://op.example', findings: [
          { id: 'pkce-s256', title: 'PKCE with S256 is offered', verdict: 'fail', rfc: 'RFC 9700 §2.1.1', evidence: 'code_challenge_methods_supported: ["plain"]' },
          { id: 'iss-parameter', title: 'The iss parameter', verdict: 'warn', rfc: 'RFC 9207 §3', evidence: 'no authorization_response_iss_parameter_supported' },
          { id: 'jwks-reachable', title: 'The JWKS can be read', verdict: 'pass', rfc: 'RFC 7517 §5', evidence: '1 key(s)' } ] });`,
      fixtures: { op: dpopSignedIn('op') },
    });
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('audit-run').click();
    assert.match(await page.getByTestId('audit-summary').innerText(), /1 pass · 1 warn · 1 fail/);
    await page.getByTestId('finding-pkce-s256').click();
    assert.match(await page.getByTestId('evidence-pkce-s256').innerText(), /\["plain"\]/);
    await page.getByTestId('audit-export-junit').click();
    assert.deepEqual(await calls('export_audit'), [{ provider: { name: 'op', identity: null, project: null }, format: 'junit' }]);
    // Probing first shows the engine's plan — the server named, each probe — and Cancel
    // probes nothing.
    await page.getByTestId('audit-run-active').click();
    assert.match(await page.getByTestId('audit-plan-summary').innerText(), /op\.example.*revoke/);
    assert.match(await page.getByTestId('audit-plan').innerText(), /exchanged twice/);
    await page.getByTestId('audit-probe-cancel').click();
    await page.getByTestId('audit-plan').waitFor({ state: 'detached' });
    assert.equal((await calls('audit_provider')).length, 1, 'Cancel runs no active audit');
    // Probe asks the engine for the active audit (its sign-ins open login windows).
    await page.getByTestId('audit-run-active').click();
    await page.getByTestId('audit-probe').click();
    await page.waitForFunction(() => window.__mock.calls.filter((c) => c.cmd === 'audit_provider').length === 2);
    assert.deepEqual((await calls('audit_provider')).map((a) => a.active), [false, true]);
  });
});
