import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import ErrorBox from './ErrorBox.svelte';
import Checklist from './Checklist.svelte';
import ScopesView from './ScopesView.svelte';
import type { ProviderView, Report } from '../lib/bindings';

afterEach(cleanup);

const report = (extra: Partial<Report>): Report =>
  ({ provider: 'op', status: 'signed_in', status_detail: null, issuer: null, client_id: 'app', access_token: null,
    refresh_token: null, id_token: null, scopes: null, extra: {}, clock: null, now: 0, ...extra }) as Report;

describe('ErrorBox', () => {
  it("shows the sentence and the server's own error", () => {
    const { container } = render(ErrorBox, {
      error: { kind: 'oauth', message: 'The code exchange failed.', advice: null, server_error: 'invalid_grant', server_description: 'code expired' },
    });
    expect(container.textContent).toContain('The code exchange failed.');
    expect(container.textContent).toContain('invalid_grant: code expired');
  });
  it('has no server line when the server said nothing', () => {
    const { container } = render(ErrorBox, {
      error: { kind: 'network', message: 'connection refused', advice: null, server_error: null, server_description: null },
    });
    expect(container.querySelector('.error-server')).toBeNull();
  });
});

describe('Checklist', () => {
  it('marks each check with a glyph and counts the passes', () => {
    const { container } = render(Checklist, {
      report: report({
        id_token: { header: null, claims: null, time_claims: [], error: null, value: null, checks: [
          { name: 'signature', result: 'pass', detail: 'verified' },
          { name: 'nonce', result: 'fail', detail: 'nonce differs' },
          { name: 'nbf', result: 'skip', detail: 'no nbf claim' },
        ] },
      }),
    });
    const items = [...container.querySelectorAll('li')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(items).toEqual(['✓ signature verified', '✗ nonce nonce differs', '– nbf no nbf claim']);
    expect(container.textContent?.replace(/\s+/g, ' ')).toContain('1 passed · 1 failed · 1 not applicable');
  });
  it('says when there is nothing to validate', () => {
    const { container } = render(Checklist, { report: report({}) });
    expect(container.textContent).toContain('Nothing to validate');
  });
});

describe('ScopesView', () => {
  it('sorts requested scopes into granted and missing, and lists extras', () => {
    const provider = {
      name: 'op', spec: { scope: 'openid api:write' }, grants: { authorization_code: true },
      report: report({ scopes: { requested: ['openid', 'api:write'], granted: ['openid', 'email'], not_granted: ['api:write'], extra_granted: ['email'], server_listed: true } }),
    } as unknown as ProviderView;
    const { container } = render(ScopesView, { provider, onSignIn: () => {} });
    expect(container.querySelector('li.granted')?.textContent).toContain('openid');
    expect(container.querySelector('li.missing')?.textContent).toContain('api:write');
    expect(container.querySelector('li.extra')?.textContent).toContain('email');
  });
});

describe('LabView', () => {
  it('draws the plan, the matrix and why a case failed', async () => {
    const { vi } = await import('vitest');
    const { api } = await import('../lib/ipc');
    const caseResult = (name: string, result: 'pass' | 'fail', failures: string[] = []) => ({
      name, result, grant: 'code', scope: 'openid email', requested: ['openid', 'email'], granted: ['openid', 'email'],
      not_granted: [], extra_granted: [], claims: ['email'], id_token_claims: {}, userinfo: null, userinfo_error: null,
      checks: [], error: null, error_description: null, failures, started_at: 0, duration_ms: 10, tokens: 'revoked', tokens_note: null,
    });
    vi.spyOn(api, 'labPlan').mockResolvedValue({ text: '[[case]]\nname = "a"\nscope = "openid email"\n', kept: true });
    vi.spyOn(api, 'checkLabPlan').mockResolvedValue({
      cases: [{ name: 'a', scope: 'openid email', grant: 'code', checks: 'must_pass', params: [], expect_granted: [],
        expect_not_granted: [], expect_claims: ['name'], expect_absent_claims: [], expect_error: null, identity: null }],
    });
    vi.spyOn(api, 'lastLabRun').mockResolvedValue({
      run: { provider: 'op', started_at: 0, finished_at: 1, cancelled: false, differences: ['case "a" now fails, before it passes'], compared_with: 0,
        cases: [caseResult('a', 'fail', ['claim `name` is in neither the ID token nor the userinfo response'])] },
      matrix: { scopes: ['openid', 'email'], claims: ['email'], rows: [{ case: 'a', result: 'fail', scopes: ['granted', 'not_granted'], claims: [true] }] },
    } as never);
    const LabView = (await import('./LabView.svelte')).default;
    const provider = { name: 'op', spec: {}, grants: {}, report: report({}) } as unknown as ProviderView;
    const { container, findByText } = render(LabView, { provider });
    await findByText(/1 case,/);
    await findByText(/claim `name` is in neither/);
    const cells = [...container.querySelectorAll('[data-testid=lab-row] td')].map((td) => td.textContent?.trim());
    expect(cells).toEqual(['a', 'fail', '✓', '✗', '●']);
    expect(container.querySelector('[data-testid=lab-differences]')?.textContent).toContain('now fails');
    expect(container.textContent).toContain('expects claims name');
    vi.restoreAllMocks();
  });
});
