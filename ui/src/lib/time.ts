// Time as developers read it on a token: a countdown (4:32, 1:02:03), a relative phrase
// ("in 4 min", "3 h ago") and the local time.

/** 272 → "4:32"; 3723 → "1:02:03"; negative → "expired". */
export function countdown(seconds: number): string {
  if (seconds <= 0) return 'expired';
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** "in 4 min", "2 h ago", "now". */
export function relative(at: number, now: number): string {
  const d = at - now;
  const a = Math.abs(d);
  let text: string;
  if (a < 5) return 'now';
  if (a < 60) text = `${Math.round(a)} s`;
  else if (a < 3600) text = `${Math.round(a / 60)} min`;
  else if (a < 86400 * 2) text = `${Math.round(a / 3600)} h`;
  else text = `${Math.round(a / 86400)} days`;
  return d > 0 ? `in ${text}` : `${text} ago`;
}

/** Unix seconds as local date and time, e.g. "2026-11-23 14:32:05". */
export function localTime(at: number): string {
  const d = new Date(at * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** Fraction of the lifetime left, 0..1 (0 when unknown or expired). */
export function remainingFraction(expiresAt: number | null, lifetime: number | null, now: number): number {
  if (expiresAt === null || lifetime === null || lifetime <= 0) return 0;
  return Math.min(1, Math.max(0, (expiresAt - now) / lifetime));
}

/** A human lifetime: 300 → "5:00", 3600 → "1 h", 86400 → "1 day". */
export function duration(seconds: number): string {
  if (seconds < 3600) return countdown(seconds);
  if (seconds < 86400) return `${+(seconds / 3600).toFixed(1)} h`;
  const days = +(seconds / 86400).toFixed(1);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

export function nowSeconds(): number {
  return Date.now() / 1000;
}
