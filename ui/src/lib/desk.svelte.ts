// The UI's state: the providers as the shell reports them, what is in progress per provider,
// and the last error per provider. Every change goes through the shell; this only remembers
// what it answered.
import type { CaseResult, Change, CommandError, DeviceStart, KeeperEvent, ProviderView, ShellEvent } from './bindings';
import { api, asCommandError } from './ipc';
import { countdown } from './time';

/** "40 s", or "4:10" past two minutes. */
function waitText(seconds: number): string {
  return seconds < 120 ? `${Math.ceil(seconds)} s` : countdown(seconds);
}

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
export type Tab = 'tokens' | 'claims' | 'validation' | 'scopes' | 'try' | 'lab' | 'trace';

/** A lab run in progress: the case running and the results so far. */
export interface LabProgressState {
  current: string | null;
  index: number;
  total: number;
  results: CaseResult[];
}

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
  /** The device code of a device sign-in in progress, per provider. */
  deviceCodes = $state<Record<string, DeviceStart | null>>({});
  /** The consent-lab run in progress, per provider. */
  labs = $state<Record<string, LabProgressState | null>>({});
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
    switch (p.report.status) {
      case 'signed_in': {
        const at = p.report.access_token?.expires_at;
        if (at != null && at <= now) return 'expired';
        // A failed action or background refresh does not sign anyone out: the token still
        // works, and the failure is shown beside it (see refreshProblem).
        return 'signed_in';
      }
      case 'sign_in_needed':
        return 'sign_in_needed';
      case 'error':
        return 'error';
      default:
        return this.errors[p.name] ? 'error' : 'not_signed_in';
    }
  }

  /** "last refresh failed: … · retrying in 40 s", while a token that still works waits. */
  refreshProblem(p: ProviderView, now: number): string | null {
    const failure = p.report.last_refresh_error;
    if (!failure) return null;
    const next = failure.next_attempt_at;
    const retry =
      next == null ? '' : next > now ? ` · retrying in ${waitText(next - now)}` : ' · retrying now';
    return `last refresh failed: ${failure.message}${retry}`;
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

  /** What the engine changed: re-read what it concerns. The report is the truth: a failed
   *  background refresh shows there (`last_refresh_error`), next to a token that still works. */
  onChange(change: Change): void {
    switch (change.kind) {
      case 'refreshing':
        this.busy[change.provider] = 'refreshing';
        break;
      case 'providers':
        if (change.provider && this.providers.some((p) => p.name === change.provider))
          void this.reload(change.provider);
        else void this.load();
        break;
      case 'tokens':
        // A renewal ends with a tokens change, whoever asked for it (the keeper, a CLI `token`).
        if (this.busy[change.provider] === 'refreshing') delete this.busy[change.provider];
        void this.reload(change.provider);
        break;
      case 'sign_in':
        if (change.state === 'embedded_refused') this.notices[change.provider] = change.message;
        if (change.state === 'waiting') this.notices[change.provider] = null;
        break;
      case 'keeper':
        this.onKeeper(change.event);
        break;
      case 'lab':
        this.onLab(change.provider, change.progress);
        break;
    }
  }

  onLab(name: string, progress: Extract<Change, { kind: 'lab' }>['progress']): void {
    const state = this.labs[name] ?? { current: null, index: 0, total: 0, results: [] };
    switch (progress.state) {
      case 'case_started':
        if (progress.index === 0) state.results = [];
        this.labs[name] = { ...state, current: progress.case, index: progress.index, total: progress.total };
        break;
      case 'case_finished':
        this.labs[name] = { ...state, current: null, results: [...state.results, progress.result] };
        this.deviceCodes[name] = null;
        break;
      case 'finished':
        this.labs[name] = null;
        break;
    }
  }

  onKeeper(event: KeeperEvent): void {
    const name = event.provider;
    if (this.busy[name] === 'refreshing') delete this.busy[name];
    if (event.kind === 'refreshed') this.errors[name] = null;
    void this.reload(name);
  }

  onShell(event: ShellEvent): void {
    switch (event.kind) {
      case 'device_code':
        this.deviceCodes[event.start.code.provider] = event.start;
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
