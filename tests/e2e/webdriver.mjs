// A minimal W3C WebDriver client for WebKitWebDriver over node:http, a new connection for every
// request, so that no request meets a connection the other end is closing. A request whose
// connection drops anyway is tried again (counted in `retries`; the E2E prints the count).

import http from 'node:http';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One HTTP request on its own connection: resolves with the status and the parsed body. */
function request(url, method, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, {
      method,
      agent: false,
      headers: {
        connection: 'close',
        ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
      },
      // A request the driver never answers fails (and is tried again) instead of stalling the
      // run: a stalled E2E would hold CI until its time limit.
      timeout: 60000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ ok: res.statusCode >= 200 && res.statusCode < 300, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export class WebDriver {
  constructor(base) {
    this.base = base;
    this.session = null;
    /** Requests tried again after a dropped connection (printed at the end of a run). */
    this.retries = 0;
  }

  async call(method, path, body) {
    let last;
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        const { ok, json } = await request(`${this.base}${path}`, method, body);
        if (!ok) {
          // A click sent again after its answer was dropped: when the first one closed the
          // window (a login window's last button) or redrew the page, this is what the second
          // finds — the click did happen.
          if (attempt > 0 && path.endsWith('/click') && ['no such window', 'stale element reference'].includes(json.value?.error)) {
            return null;
          }
          const err = new Error(`${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
          err.webdriver = json.value?.error;
          throw err;
        }
        return json.value;
      } catch (e) {
        last = e;
        // A WebDriver error answer is final; a dropped connection is retried.
        if (e.webdriver) throw e;
        this.retries += 1;
        console.error(`[webdriver] ${method} ${path}: ${e.message}; trying again`);
        await sleep(300);
      }
    }
    throw last;
  }

  s(path) {
    return `/session/${this.session}${path}`;
  }

  /** A session driving the Tauri app `application` (its web views; the app starts with it). */
  async start(application) {
    const value = await this.call('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: application, args: [] } } },
    });
    this.session = value.sessionId;
  }

  async quit() {
    if (this.session) await this.call('DELETE', `/session/${this.session}`).catch(() => {});
  }

  handles() {
    return this.call('GET', this.s('/window/handles'));
  }
  handle() {
    return this.call('GET', this.s('/window'));
  }
  switchTo(handle) {
    return this.call('POST', this.s('/window'), { handle });
  }
  title() {
    return this.call('GET', this.s('/title'));
  }
  url() {
    return this.call('GET', this.s('/url'));
  }
  script(script, args = []) {
    return this.call('POST', this.s('/execute/sync'), { script, args });
  }
  screenshot() {
    return this.call('GET', this.s('/screenshot'));
  }

  /** Runs `script` in the page (arguments as `arguments[i]`; elements as WebDriver refs). */
  execute(script, args = []) {
    return this.call('POST', this.s('/execute/sync'), { script, args });
  }

  async find(css) {
    const v = await this.call('POST', this.s('/element'), { using: 'css selector', value: css });
    return Object.values(v)[0];
  }

  async findAll(css) {
    const v = await this.call('POST', this.s('/elements'), { using: 'css selector', value: css });
    return v.map((e) => Object.values(e)[0]);
  }

  /** Waits until `css` matches (and `predicate(text)` holds, when given). */
  async waitFor(css, { timeout = 20000, text } = {}) {
    const end = Date.now() + timeout;
    let lastText = null;
    while (Date.now() < end) {
      try {
        const el = await this.find(css);
        if (!text) return el;
        lastText = await this.text(el);
        if (typeof text === 'string' ? lastText.includes(text) : text(lastText)) return el;
      } catch (e) {
        if (!e.webdriver) throw e;
      }
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${css}${text ? ` with text ${text}` : ''} (last text: ${lastText})`);
  }

  /** Waits until nothing matches `css`. */
  async waitGone(css, { timeout = 20000 } = {}) {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      if ((await this.findAll(css)).length === 0) return;
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${css} to go away`);
  }

  text(el) {
    return this.call('GET', this.s(`/element/${el}/text`));
  }
  click(el) {
    return this.call('POST', this.s(`/element/${el}/click`), {});
  }
  async clear(el) {
    return this.call('POST', this.s(`/element/${el}/clear`), {});
  }
  type(el, text) {
    return this.call('POST', this.s(`/element/${el}/value`), { text });
  }

  async clickCss(css, opts) {
    await this.click(await this.waitFor(css, opts));
  }

  /**
   * Clicks the first match of `css` from the page's own script, after this call has returned:
   * for the click that ends its window (a login window's last button). WebKitWebDriver answers
   * a click once the navigation it started is done, and when that navigation closes the window
   * the answer may never come (seen: 60 s without one, while the sign-in had long finished).
   */
  async clickClosingWindow(css, opts) {
    await this.waitFor(css, opts);
    await this.execute('const css = arguments[0]; setTimeout(() => document.querySelector(css).click(), 0);', [css]);
  }

  async fill(css, value) {
    const el = await this.waitFor(css);
    await this.clear(el);
    if (value !== '') await this.type(el, value);
  }
}

export { sleep };
