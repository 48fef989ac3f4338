import { describe, expect, test } from 'vitest';
import { modifierKey } from './shortcuts';

describe('modifierKey', () => {
  test('⌘ on macOS, Ctrl on Windows and Linux', () => {
    expect(modifierKey('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15')).toBe('⌘');
    expect(modifierKey('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/131.0')).toBe('Ctrl');
    expect(modifierKey('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15')).toBe('Ctrl');
  });
});
