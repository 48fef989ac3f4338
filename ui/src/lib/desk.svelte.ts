// The UI's state: the providers as the shell reports them, what is in progress per provider,
// and the last error per provider. Every change goes through the shell; this only remembers
// what it answered.
import type { CommandError, KeeperEvent, ProviderView, ShellEvent } from './bindings';
import { api, asCommandError } from './ipc';

export type UiStatus =
  | 'signed_in'
  | 'expired'
  | 'refreshing'
  | 'signing_in'
  | 'sign_in_needed'
  | 'error'
  | 'not_signed_in';

export const STATUS_LABEL: Record<UiStatus, { glyph: string; word: string }> = {
  signed_in: { glyph: '●', word: 'signed in' },
  expired: { glyph: '◌', word: 'expired' },
  refreshing: { glyph: '◐', word: 'refreshing' },
  signing_in: { glyph: '◐', word: 'signing in' },
  sign_in_needed: { glyph: '▲', word: 'sign-in needed' },
  error: { glyph: '✕', word: 'error' },
  not_signed_in: { glyph: '○', word: 'not signed in' },
};

export type Panel = 'provider' | 'add' | 'edit' | 'import' | 'settings';
export type Tab = 'tokens' | 'claims' | 'validation' | 'scopes' | 'trace';

export class DeskStore {
  providers = $state<ProviderView[]>([]);
  selected = $state<string | null>(null);
  loaded = $state(false);
  /** What is running per provider ("refreshing", "signing in", ...). */
  busy = $state<Record<string, string>>({});
  /** The last failure per provider, shown where it happened. */
  errors = $state<Record<string, CommandError | null>>({});
  /** Notices about a sign-in (e.g. the provider refuses embedded browsers). */
  notices = $state<Record<string, string | null>>({});
  /** An error that belongs to no provider (loading the list). */
  globalError = $state<CommandError | null>(null);
  /** A short confirmation ("Copied"), cleared after a few seconds. */
  toast = $state<string | null>(null);
  panel = $state<Panel>('provider');
  tab = $state<Tab>('tokens');
  #toastTimer: ReturnType<typeof setTimeout> | null = null;

  get current(): ProviderView | null {
    return this.providers.find((p) => p.name === this.selected) ?? null;
  }

  status(p: ProviderView, now: number): UiStatus {
    const busy = this.busy[p.name];
    if (busy === 'refreshing') return 'refreshing';
    if (busy === 'signing in') return 'signing_in';
    if (this.errors[p.name]?.kind === 'sign_in_needed') return 'sign_in_needed';
    switch (p.report.status) {
      case 'signed_in': {
        const at = p.report.access_token?.expires_at;
        if (at != null && at <= now) return 'expired';
        return this.errors[p.name] ? 'error' : 'signed_in';
      }
      case 'sign_in_needed':
        return 'sign_in_needed';
      case 'error':
        return 'error';
      default:
        return this.errors[p.name] ? 'error' : 'not_signed_in';
    }
  }

  flash(text: string): void {
    this.toast = text;
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => (this.toast = null), 2500);
  }

  async load(): Promise<void> {
    try {
      this.providers = await api.listProviders();
      this.globalError = null;
      if (!this.selected || !this.providers.some((p) => p.name === this.selected))
        this.selected = this.providers[0]?.name ?? null;
    } catch (e) {
      this.globalError = asCommandError(e);
    } finally {
      this.loaded = true;
    }
  }

  /** Re-reads one provider (after a keeper event or a flow). */
  async reload(name: string): Promise<void> {
    try {
      const view = await api.getProvider(name);
      this.put(view);
    } catch {
      await this.load();
    }
  }

  put(view: ProviderView): void {
    const i = this.providers.findIndex((p) => p.name === view.name);
    if (i >= 0) this.providers[i] = view;
    else this.providers.push(view);
  }

  select(name: string | null): void {
    this.selected = name;
    this.panel = 'provider';
  }

  /** Runs one action of a provider: marks it busy, keeps its error where it happened. */
  async run<T>(name: string, label: string, action: () => Promise<T>): Promise<T | undefined> {
    this.busy[name] = label;
    this.errors[name] = null;
    try {
      const result = await action();
      if (isView(result)) this.put(result);
      return result;
    } catch (e) {
      const error = asCommandError(e);
      // Closing the login window is a choice, not a failure.
      if (error.kind !== 'cancelled') this.errors[name] = error;
      return undefined;
    } finally {
      delete this.busy[name];
    }
  }

  onKeeper(event: KeeperEvent): void {
    const name = event.provider;
    if (this.busy[name] === 'refreshing') delete this.busy[name];
    switch (event.kind) {
      case 'refreshed':
        this.errors[name] = null;
        break;
      case 'refresh_failed':
        this.errors[name] = {
          kind: 'network',
          message: `Background refresh failed: ${event.reason}. Retrying in ${event.retry_in_secs} s.`,
          server_error: null,
          server_description: null,
        };
        break;
      case 'sign_in_needed':
        this.errors[name] = {
          kind: 'sign_in_needed',
          message: `Sign-in needed: ${event.reason}.`,
          server_error: null,
          server_description: null,
        };
        break;
      case 'stopped':
        this.errors[name] = {
          kind: 'config',
          message: `Background refresh stopped: ${event.reason}.`,
          server_error: null,
          server_description: null,
        };
        break;
      default:
        break;
    }
    void this.reload(name);
  }

  onShell(event: ShellEvent): void {
    switch (event.kind) {
      case 'refreshing':
        this.busy[event.provider] = 'refreshing';
        break;
      case 'changed':
        if (event.provider && this.providers.some((p) => p.name === event.provider))
          void this.reload(event.provider);
        else void this.load();
        break;
      case 'sign_in':
        if (event.state === 'embedded_refused') this.notices[event.provider] = event.message;
        if (event.state === 'waiting') this.notices[event.provider] = null;
        break;
      case 'clipboard_cleared':
        this.flash('Clipboard cleared');
        break;
    }
  }
}

function isView(value: unknown): value is ProviderView {
  return typeof value === 'object' && value !== null && 'report' in value && 'spec' in value;
}

export const desk = new DeskStore();
