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

/** The modifier of the app's chords as this OS names it: ⌘ on macOS, Ctrl elsewhere (either
 * works everywhere). */
export function modifierKey(platform: string = navigator.userAgent): '⌘' | 'Ctrl' {
  return /Mac|iPhone|iPad/.test(platform) ? '⌘' : 'Ctrl';
}

const signedIn = (d: DeskStore) => d.current?.report.access_token != null;

export async function copy(desk: DeskStore, format: TokenFormat, kind: TokenKind = 'access') {
  const p = desk.current;
  if (!p) return;
  await desk.run(p.key, 'copying', () => api.copyToken(p.reference, kind, format));
  if (!desk.errors[p.key]) desk.flash(format === 'header' ? 'Authorization header copied' : 'Copied');
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
      if (p) void d.run(p.key, 'refreshing', () => api.refresh(p.reference));
    },
    enabled: signedIn,
  },
  {
    id: 'signin',
    label: 'Sign in',
    key: 's',
    run: (d) => {
      const p = d.current;
      if (p) void d.run(p.key, 'signing in', () => api.signIn(p.reference, false, null, null));
    },
    enabled: (d) => d.current?.grants.authorization_code ?? false,
  },
  {
    id: 'signin-fresh',
    label: 'Sign in as someone else (fresh session)',
    run: (d) => {
      const p = d.current;
      if (p) void d.run(p.key, 'signing in', () => api.signIn(p.reference, true, null, null));
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
    // Every identity in the sidebar's order, each provider's default first.
    const keys = desk.providers.flatMap((p) => p.identities.map((i) => i.key));
    const next = keys[keys.indexOf(desk.selected ?? '') + (e.key === 'ArrowDown' ? 1 : -1)];
    if (next) {
      e.preventDefault();
      desk.select(next);
    }
    return;
  }
  const action = ACTIONS.find((a) => a.key === e.key.toLowerCase());
  if (action && desk.panel === 'provider' && (action.enabled?.(desk) ?? true)) {
    e.preventDefault();
    void action.run(desk);
  }
}
