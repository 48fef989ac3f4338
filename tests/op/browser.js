#!/usr/bin/env node
// A headless stand-in for a person with a browser, used as `$BROWSER` in the tests:
// `browser.js URL` loads URL, follows redirects by hand with a cookie jar, fills and submits
// the HTML forms it meets (the test OP's login and consent pages, OAuth Desk's self-submitting
// POST-authorize page) and stops at the redirect URI.
//
// - A redirect to a loopback address is loaded (that is OAuth Desk's callback listener).
// - OAuth Desk's fragment relay page gets what its script does: the URL's fragment posted back.
// - A redirect anywhere else (a registered non-loopback redirect URI such as
//   https://shop.example/) is not loaded: the URL is appended to $BROWSER_OUT, the way a person
//   would copy it from the address bar.
//
// Environment:
//   BROWSER_LOGIN    the user name typed at the login form (default "alice"); a `login_hint`
//                    in the authorization URL is typed instead, as a person would
//   BROWSER_ACTION   "deny" aborts at the consent page instead of approving
//   BROWSER_DENY_USERS  comma-separated user names who abort at the consent page (so one
//                    run can have a person refuse consent in one sign-in only)
//   BROWSER_JAR      file that keeps the cookie jar between runs (a person's browser profile:
//                    the OP's session survives from one sign-in to the next)
//   BROWSER_OUT      file that receives non-loopback final URLs (default: stdout)
//   BROWSER_LOG      file that receives a line per request, for debugging
//   BROWSER_ENV_OUT  file that receives the names of the variables this process started with
//                    (the tests check what OAuth Desk passes on to a browser)
import fs from 'node:fs';

if (process.env.BROWSER_ENV_OUT) fs.writeFileSync(process.env.BROWSER_ENV_OUT, Object.keys(process.env).join('\n'));

let login = process.env.BROWSER_LOGIN || 'alice';
let action = process.env.BROWSER_ACTION || 'approve';
const denyUsers = (process.env.BROWSER_DENY_USERS || '').split(',').filter(Boolean);
const jar = new Map(
  process.env.BROWSER_JAR && fs.existsSync(process.env.BROWSER_JAR)
    ? JSON.parse(fs.readFileSync(process.env.BROWSER_JAR, 'utf8'))
    : [],
);

function saveJar() {
  if (process.env.BROWSER_JAR) fs.writeFileSync(process.env.BROWSER_JAR, JSON.stringify([...jar]));
}

function trace(line) {
  if (process.env.BROWSER_LOG) fs.appendFileSync(process.env.BROWSER_LOG, `${line}\n`);
}

function isLoopback(url) {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function cookieHeader(url) {
  const pairs = [];
  for (const [key, value] of jar) {
    const [host, name] = key.split('\t');
    if (host === url.host) pairs.push(`${name}=${value}`);
  }
  return pairs.join('; ');
}

function storeCookies(url, response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
    if (expired) jar.delete(`${url.host}\t${name}`);
    else jar.set(`${url.host}\t${name}`, value);
  }
}

function decodeEntities(text) {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attr(tag, name) {
  const match = tag.match(new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i'));
  return match ? decodeEntities(match[2] ?? match[3]) : null;
}

// The first form of the page: its method, action and the fields a person would submit.
function parseForm(html) {
  const form = html.match(/<form\b[^>]*>([\s\S]*?)<\/form>/i);
  if (!form) return null;
  const tag = form[0].match(/<form\b[^>]*>/i)[0];
  const fields = new URLSearchParams();
  // A person clicks the first button; when it has a name (e.g. logout=yes on "Yes, sign me
  // out"), the browser submits it too.
  const button = html.match(/<button\b[^>]*>/i);
  if (button && attr(button[0], 'name')) fields.append(attr(button[0], 'name'), attr(button[0], 'value') ?? '');
  for (const input of form[1].matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input[0], 'name');
    if (!name) continue;
    const type = (attr(input[0], 'type') || 'text').toLowerCase();
    if (type === 'password') fields.append(name, 'any-password');
    else if (type === 'text' || type === 'email') fields.append(name, attr(input[0], 'value') || login);
    else fields.append(name, attr(input[0], 'value') ?? '');
  }
  return { method: (attr(tag, 'method') || 'get').toLowerCase(), action: attr(tag, 'action') || '', fields };
}

async function request(url, init = {}) {
  const headers = { ...(init.headers || {}) };
  const cookies = cookieHeader(url);
  if (cookies) headers.cookie = cookies;
  trace(`${init.method || 'GET'} ${url}`);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  storeCookies(url, response);
  return response;
}

async function run(start) {
  let url = new URL(start);
  const hint = url.searchParams.get('login_hint');
  if (hint) login = hint;
  if (denyUsers.includes(login)) action = 'deny';
  let init = {};
  for (let step = 0; step < 30; step += 1) {
    const response = await request(url, init);
    init = {};
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location'), url);
      if (!isLoopback(next)) {
        if (process.env.BROWSER_OUT) fs.appendFileSync(process.env.BROWSER_OUT, `${next}\n`);
        else process.stdout.write(`${next}\n`);
        return;
      }
      url = next;
      continue;
    }
    const html = await response.text();
    // OAuth Desk's fragment relay: a browser runs its script, which posts the URL's fragment
    // (the response of an implicit or hybrid sign-in) back to the listener. Do what it does.
    if (url.hash.length > 1 && html.includes('location.hash.slice(1)')) {
      trace(`script: posting the fragment to ${url.pathname}`);
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: url.hash.slice(1),
      };
      url = new URL(url.pathname, url);
      continue;
    }
    const form = parseForm(html);
    if (!form) {
      // A page without a form: the end of the journey (e.g. "you can close this tab").
      trace(`${response.status} page without a form: ${html.replace(/\s+/g, ' ').slice(0, 300)}`);
      return;
    }
    trace(`form: ${form.fields.has('login') ? 'login' : form.fields.get('prompt') ?? 'other'}`);
    if (action === 'deny' && form.fields.get('prompt') === 'consent') {
      url = new URL(`${url.pathname.replace(/\/$/, '')}/abort`, url);
      continue;
    }
    const target = new URL(form.action || url.href, url);
    if (form.method === 'post') {
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.fields.toString(),
      };
      url = target;
    } else {
      for (const [k, v] of form.fields) target.searchParams.append(k, v);
      url = target;
    }
  }
  throw new Error('too many steps: the sign-in did not finish');
}

run(process.argv[2]).then(saveJar, (err) => {
  trace(`error: ${err.stack}`);
  console.error(`browser.js: ${err.message}`);
  process.exit(1);
});
