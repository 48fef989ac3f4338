import { describe, expect, it } from 'vitest';
import { DeskStore } from './desk.svelte';
import type { ProviderView } from './bindings';

const view = (status: string, expiresAt: number | null = null) =>
  ({
    name: 'op',
    key: 'op',
    reference: { name: 'op', identity: null, project: null },
    identities: [{ key: 'op' }],
    report: { status, access_token: expiresAt === null ? null : { expires_at: expiresAt } },
  }) as unknown as ProviderView;

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
    d.errors.op = { kind: 'network', message: 'x', advice: null, server_error: null, server_description: null };
    expect(d.status(view('signed_in', 200), 100)).toBe('signed_in');
  });

  it('a renewal ends with a tokens change, whoever asked for it', () => {
    const d = new DeskStore();
    d.reload = async () => {};
    d.onChange({ kind: 'refreshing', provider: 'op' });
    expect(d.status(view('signed_in', 200), 100)).toBe('refreshing');
    d.onChange({ kind: 'tokens', provider: 'op' });
    expect(d.status(view('signed_in', 200), 100)).toBe('signed_in');
  });

  it('tells the truth: a failed refresh beside a token that still works', () => {
    const d = new DeskStore();
    const p = view('signed_in', 500);
    expect(d.refreshProblem(p, 100)).toBeNull();
    (p.report as { last_refresh_error: unknown }).last_refresh_error = {
      message: 'could not reach the server',
      failed_at: 90,
      next_attempt_at: 140,
    };
    expect(d.status(p, 100)).toBe('signed_in');
    expect(d.refreshProblem(p, 100)).toBe('last refresh failed: could not reach the server · retrying in 40 s');
    expect(d.refreshProblem(p, 150)).toBe('last refresh failed: could not reach the server · retrying now');
  });

  it('keeps a failed action’s error on its provider, and ignores a cancelled sign-in', async () => {
    const d = new DeskStore();
    await d.run('op', 'refreshing', () => Promise.reject({ kind: 'oauth', message: 'refused', advice: null, server_error: 'invalid_grant', server_description: null }));
    expect(d.errors.op?.server_error).toBe('invalid_grant');
    expect(d.busy.op).toBeUndefined();
    await d.run('op', 'signing in', () => Promise.reject({ kind: 'cancelled', message: 'the sign-in was cancelled', advice: null, server_error: null, server_description: null }));
    expect(d.errors.op).toBeNull();
  });
});

describe('DeskStore identities', () => {
  const identity = (key: string, status: string, expiresAt: number | null) =>
    ({ key, typed: key, status, expires_at: expiresAt, reference: { name: 'api', identity: key.split('@')[1] ?? null, project: null } }) as unknown as import('./bindings').IdentityView;

  it('finds an identity\'s provider, shows its own state, and keeps its view apart', () => {
    const d = new DeskStore();
    const api = {
      ...view('signed_in', 200),
      name: 'api',
      key: 'api',
      identities: [identity('api', 'signed_in', 200), identity('api@admin', 'signed_in', 150)],
    } as unknown as ProviderView;
    d.providers = [api];
    expect(d.owner('api@admin')?.key).toBe('api');
    expect(d.owner('other')).toBeNull();
    const admin = api.identities[1];
    expect(d.identityStatus(admin, 100)).toBe('signed_in');
    expect(d.identityStatus(admin, 150)).toBe('expired');
    d.busy['api@admin'] = 'signing in';
    expect(d.identityStatus(admin, 100)).toBe('signing_in');
    // Another identity's sign-in leaves the default one alone.
    expect(d.status(api, 100)).toBe('signed_in');
    const adminView = { ...api, key: 'api@admin', reference: { name: 'api', identity: 'admin', project: null } } as ProviderView;
    d.put(adminView);
    expect(d.providers).toHaveLength(1);
    d.selected = 'api@admin';
    expect(d.current?.key).toBe('api@admin');
  });

  it('a keeper event of another environment\'s identity reloads nothing shown', () => {
    const d = new DeskStore();
    const reloaded: string[] = [];
    d.reload = async (key: string) => void reloaded.push(key);
    d.providers = [view('signed_in', 200)];
    d.onKeeper({ kind: 'refreshed', provider: 'p-0123+stage+op', expires_at: 300 });
    expect(reloaded).toEqual([]);
    d.onKeeper({ kind: 'refreshed', provider: 'op', expires_at: 300 });
    expect(reloaded).toEqual(['op']);
  });
});

describe('DeskStore.onLab', () => {
  const result = (name: string, verdict: 'pass' | 'fail') =>
    ({ name, result: verdict }) as unknown as import('./bindings').CaseResult;

  it('follows a run case by case, and forgets it when it ends', () => {
    const d = new DeskStore();
    d.onChange({ kind: 'lab', provider: 'op', progress: { state: 'case_started', case: 'a', index: 0, total: 2 } });
    expect(d.labs.op).toMatchObject({ current: 'a', index: 0, total: 2, results: [] });
    d.deviceCodes.op = { code: { user_code: 'X' } } as unknown as import('./bindings').DeviceStart;
    d.onChange({ kind: 'lab', provider: 'op', progress: { state: 'case_finished', result: result('a', 'pass') } });
    expect(d.labs.op?.current).toBeNull();
    expect(d.deviceCodes.op).toBeNull();
    d.onChange({ kind: 'lab', provider: 'op', progress: { state: 'case_started', case: 'b', index: 1, total: 2 } });
    d.onChange({ kind: 'lab', provider: 'op', progress: { state: 'case_finished', result: result('b', 'fail') } });
    expect(d.labs.op?.results.map((r) => `${r.name}:${r.result}`)).toEqual(['a:pass', 'b:fail']);
    d.onChange({ kind: 'lab', provider: 'op', progress: { state: 'finished', passed: false } });
    expect(d.labs.op).toBeNull();
    // A new run starts from nothing.
    d.onChange({ kind: 'lab', provider: 'op', progress: { state: 'case_started', case: 'a', index: 0, total: 1 } });
    expect(d.labs.op?.results).toEqual([]);
  });
});
