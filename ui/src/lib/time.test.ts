import { describe, expect, it } from 'vitest';
import { countdown, duration, relative, remainingFraction } from './time';

describe('countdown', () => {
  it('shows minutes and seconds, then hours', () => {
    expect(countdown(272)).toBe('4:32');
    expect(countdown(59.9)).toBe('0:59');
    expect(countdown(3723)).toBe('1:02:03');
  });
  it('says expired at and after zero', () => {
    expect(countdown(0)).toBe('expired');
    expect(countdown(-5)).toBe('expired');
  });
});

describe('relative', () => {
  it('reads like a sentence in both directions', () => {
    expect(relative(1000 + 240, 1000)).toBe('in 4 min');
    expect(relative(1000 - 7200, 1000)).toBe('2 h ago');
    expect(relative(1000 + 2, 1000)).toBe('now');
    expect(relative(1000 + 30, 1000)).toBe('in 30 s');
    expect(relative(1000 + 86400 * 3, 1000)).toBe('in 3 days');
  });
});

describe('remainingFraction', () => {
  it('is the share of the lifetime left, clamped', () => {
    expect(remainingFraction(1100, 200, 1000)).toBe(0.5);
    expect(remainingFraction(900, 200, 1000)).toBe(0);
    expect(remainingFraction(1300, 200, 1000)).toBe(1);
    expect(remainingFraction(null, 200, 1000)).toBe(0);
    expect(remainingFraction(1100, 0, 1000)).toBe(0);
  });
});

describe('duration', () => {
  it('picks a readable unit', () => {
    expect(duration(300)).toBe('5:00');
    expect(duration(3600)).toBe('1 h');
    expect(duration(86400)).toBe('1 day');
    expect(duration(86400 * 30)).toBe('30 days');
  });
});
