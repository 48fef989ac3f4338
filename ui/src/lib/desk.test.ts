import { describe, expect, it } from 'vitest';
import { DeskStore } from './desk.svelte';
import type { ProviderView } from './bindings';

const view = (status: string, expiresAt: number | null = null) =>
  ({ name: 'op', report: { status, access_token: expiresAt === null ? null : { expires_at: expiresAt } } }) as unknown as ProviderView;

describe('DeskStore.status', () => {
  it('derives one state per provider, busy states first', () => {
    const d = new DeskStore();
    expect(d.status(view('signed_in', 200), 100)).toBe('signed_in');
    expect(d.status(view('signed_in', 100), 100)).toBe('expired');
    expect(d.status(view('not_signed_in'), 100)).toBe('not_signed_in');
    expect(d.status(view('sign_in_needed'), 100)).toBe('sign_in_needed');
    d.busy.op = 'refreshing';
    expect(d.status(view('signed_in', 200), 100)).toBe('refreshing');
    delete d.busy.op;
    d.errors.op = { kind: 'network', message: 'x', server_error: null, server_description: null };
    expect(d.status(view('signed_in', 200), 100)).toBe('error');
    d.errors.op = { kind: 'sign_in_needed', message: 'x', server_error: null, server_description: null };
    expect(d.status(view('signed_in', 200), 100)).toBe('sign_in_needed');
  });

  it('keeps a failed action’s error on its provider, and ignores a cancelled sign-in', async () => {
    const d = new DeskStore();
    await d.run('op', 'refreshing', () => Promise.reject({ kind: 'oauth', message: 'refused', server_error: 'invalid_grant', server_description: null }));
    expect(d.errors.op?.server_error).toBe('invalid_grant');
    expect(d.busy.op).toBeUndefined();
    await d.run('op', 'signing in', () => Promise.reject({ kind: 'cancelled', message: 'the sign-in was cancelled', server_error: null, server_description: null }));
    expect(d.errors.op).toBeNull();
  });
});
