// Single-key shortcuts on the selected provider (when no text field has focus):
// C copy token, H copy Authorization header, R refresh, S sign in, arrows move between
// providers.
import type { TokenFormat, TokenKind } from './bindings';
import type { DeskStore } from './desk.svelte';
import { api } from './ipc';

export type Action = {
  id: string;
  label: string;
  key?: string;
  run: (desk: DeskStore) => void | Promise<void>;
  enabled?: (desk: DeskStore) => boolean;
};

const signedIn = (d: DeskStore) => d.current?.report.access_token != null;

export async function copy(desk: DeskStore, format: TokenFormat, kind: TokenKind = 'access') {
  const p = desk.current;
  if (!p) return;
  await desk.run(p.name, 'copying', () => api.copyToken(p.name, kind, format));
  if (!desk.errors[p.name]) desk.flash(format === 'header' ? 'Authorization header copied' : 'Copied');
}

export const ACTIONS: Action[] = [
  { id: 'copy', label: 'Copy access token', key: 'c', run: (d) => copy(d, 'raw'), enabled: signedIn },
  { id: 'header', label: 'Copy Authorization header', key: 'h', run: (d) => copy(d, 'header'), enabled: signedIn },
  { id: 'curl', label: "Copy as curl -H '…'", run: (d) => copy(d, 'curl'), enabled: signedIn },
  { id: 'env', label: 'Copy as export VAR=…', run: (d) => copy(d, 'env'), enabled: signedIn },
  { id: 'json', label: 'Copy as JSON', run: (d) => copy(d, 'json'), enabled: signedIn },
  {
    id: 'refresh',
    label: 'Refresh now',
    key: 'r',
    run: (d) => {
      const p = d.current;
      if (p) void d.run(p.name, 'refreshing', () => api.refresh(p.name));
    },
    enabled: signedIn,
  },
  {
    id: 'signin',
    label: 'Sign in',
    key: 's',
    run: (d) => {
      const p = d.current;
      if (p) void d.run(p.name, 'signing in', () => api.signIn(p.name, false, null, null));
    },
    enabled: (d) => d.current?.grants.authorization_code ?? false,
  },
  {
    id: 'signin-fresh',
    label: 'Sign in as someone else (fresh session)',
    run: (d) => {
      const p = d.current;
      if (p) void d.run(p.name, 'signing in', () => api.signIn(p.name, true, null, null));
    },
    enabled: (d) => d.current?.grants.authorization_code ?? false,
  },
  { id: 'add', label: 'Add a provider', run: (d) => void (d.panel = 'add') },
  { id: 'import', label: 'Import a provider', run: (d) => void (d.panel = 'import') },
  { id: 'edit', label: 'Edit provider settings', run: (d) => void (d.panel = 'edit'), enabled: (d) => d.current !== null },
  { id: 'settings', label: 'App settings', run: (d) => void (d.panel = 'settings') },
  { id: 'tab-tokens', label: 'Show tokens', run: (d) => void ((d.panel = 'provider'), (d.tab = 'tokens')) },
  { id: 'tab-trace', label: 'Show trace', run: (d) => void ((d.panel = 'provider'), (d.tab = 'trace')) },
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export function shortcut(e: KeyboardEvent, desk: DeskStore): void {
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    const i = desk.providers.findIndex((p) => p.name === desk.selected);
    const next = desk.providers[i + (e.key === 'ArrowDown' ? 1 : -1)];
    if (next) {
      e.preventDefault();
      desk.select(next.name);
    }
    return;
  }
  const action = ACTIONS.find((a) => a.key === e.key.toLowerCase());
  if (action && desk.panel === 'provider' && (action.enabled?.(desk) ?? true)) {
    e.preventDefault();
    void action.run(desk);
  }
}
