// One 1 Hz clock for the whole UI: every countdown reads `ticker.now`, so there is one timer,
// not one per widget, and all countdowns change in the same frame.
import { nowSeconds } from './time';

class Ticker {
  now = $state(nowSeconds());
  #timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.#timer !== null) return;
    this.now = nowSeconds();
    // Align to the next whole second so "4:32" turns into "4:31" when the second changes.
    setTimeout(() => {
      this.now = nowSeconds();
      this.#timer = setInterval(() => (this.now = nowSeconds()), 1000);
    }, 1000 - (Date.now() % 1000));
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

export const ticker = new Ticker();
