// The app's memory after heavy use (issue 24), against the bare Tauri 2 window in the same run:
// the release app driven by WebDriver as a person would — ten sign-ins through the login
// window, a ten-case consent-lab run, the large trace those leave viewed — then 60 s idle; PSS
// summed over the app and its WebKit processes. Also the same app idle right after start under
// the driver, so the growth from use shows. Run by benches/app_heavy.sh (display, keyring).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebDriver, sleep } from '../tests/e2e/webdriver.mjs';
import { children, signInFromPanel, startDriver, startOp } from '../tests/e2e/session.mjs';

const root = resolve(import.meta.dirname, '..');
const release = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'release');
const IDLE = Number(process.env.IDLE ?? 60) * 1000;

function descendants(pid) {
  let out = [pid];
  let kids = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean);
  } catch {}
  for (const k of kids) out = out.concat(descendants(Number(k)));
  return out;
}

/** PSS in MiB of a process and its descendants, and by process name. */
function pss(pid) {
  const by = {};
  let total = 0;
  for (const p of descendants(pid)) {
    try {
      const kib = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1]);
      const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      by[name] = (by[name] ?? 0) + kib / 1024;
      total += kib / 1024;
    } catch {}
  }
  return { total, by };
}

function pidOf(name) {
  for (const d of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name) return Number(d);
    } catch {}
  }
  throw new Error(`no ${name} process`);
}

async function bareWindow(env) {
  const bare = spawn(join(release, 'examples/bare_window'), [], { env, stdio: 'ignore' });
  await sleep(20000);
  const m = pss(bare.pid);
  bare.kill();
  return m;
}

const fmt = ({ total, by }) =>
  `${total.toFixed(0)} | ${Object.entries(by).map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')}`;

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'oauth-desk-heavy-'));
  const env = { ...process.env, OAUTH_DESK_HOME: home };
  const issuer = await startOp({ OP_ACCESS_TTL: '3600' });
  const cli = join(release, 'oauth-desk');
  execFileSync(cli, ['provider', 'add', 'op', '--issuer', issuer, '--client-id', 'public-app',
    '--scope', 'openid profile email offline_access', '--param', 'prompt=consent'], { env });
  execFileSync(cli, ['provider', 'add', 'qa', '--issuer', issuer, '--client-id', 'lab-app', '--client-secret-stdin',
    '--scope', 'openid'], { env, input: 'lab-secret-0123456789' });
  const cases = Array.from({ length: 10 }, (_, i) =>
    `[[case]]\nname = "machine ${i}"\ngrant = "client_credentials"\nscope = "api:read"\nexpect_granted = ["api:read"]\n`);
  const plan = join(home, 'plan.toml');
  writeFileSync(plan, cases.join('\n'));
  execFileSync(cli, ['lab', 'qa', '--plan', plan, '--save-plan'], { env, stdio: 'ignore' });

  const bare = await bareWindow(env);
  const wd = new WebDriver(await startDriver({ ...env, OAUTH_DESK_LOGIN_DEFAULT_CONTEXT: '1' }));
  await wd.start(join(release, 'oauth-desk-app'));
  try {
    const main = await wd.handle();
    await wd.waitFor('[data-testid=provider-op]');
    await sleep(20000);
    const app = pidOf('oauth-desk-app');
    const fresh = pss(app);

    await wd.clickCss('[data-testid=provider-op]');
    for (let i = 0; i < 10; i++) {
      await signInFromPanel(wd, main, 'alice');
    }
    await wd.clickCss('[data-testid=provider-qa]');
    await wd.clickCss('[data-testid=tab-lab]');
    await wd.waitFor('[data-testid=lab-plan-ok]', { text: '10 cases' });
    await wd.clickCss('[data-testid=lab-run-all]');
    await wd.waitFor('[data-testid=lab-summary]', { text: '10 passed', timeout: 60000 });
    await wd.clickCss('[data-testid=provider-op]');
    await wd.clickCss('[data-testid=tab-trace]');
    await wd.waitFor('[data-testid=trace]', { text: '/token' });
    await wd.execute('document.querySelector("[data-testid=trace]")?.scrollIntoView(false)', []);
    await wd.clickCss('[data-testid=tab-tokens]');
    await sleep(IDLE);
    const used = pss(app);

    console.log('| PSS, MiB | total | by process |');
    console.log('|---|---|---|');
    console.log(`| bare Tauri 2 window, 20 s idle | ${fmt(bare)} |`);
    console.log(`| OAuth Desk under WebDriver, 20 s after start | ${fmt(fresh)} |`);
    console.log(`| the same after 10 sign-ins, a 10-case lab run, the trace viewed, ${IDLE / 1000} s idle | ${fmt(used)} |`);
    console.log(`| ratio after use / bare | ${(used.total / bare.total).toFixed(2)} | |`);
    console.log(`| ratio after use / after start | ${(used.total / fresh.total).toFixed(2)} | |`);
  } finally {
    await wd.quit();
  }
}

main()
  .catch((e) => {
    console.error('app_heavy:', e);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill();
  });
