// The UI's state: the providers as the shell reports them (each with its identities), the
// project and its environment, what is in progress and the last error per identity. Everything
// is keyed by the engine's slot key (`view.key`: provider, identity and environment), the key
// the change stream names. Every change goes through the shell; this only remembers what it
// answered.
import type {
  CaseResult,
  Change,
  CommandError,
  DeviceStart,
  IdentityView,
  KeeperEvent,
  ProjectView,
  ProviderView,
  ShellEvent,
} from './bindings';
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

export type Panel = 'provider' | 'add' | 'edit' | 'import' | 'settings' | 'project';
export type Tab = 'tokens' | 'claims' | 'validation' | 'scopes' | 'try' | 'lab' | 'audit' | 'trace';

/** A lab run in progress: the case running and the results so far. */
export interface LabProgressState {
  current: string | null;
  index: number;
  total: number;
  results: CaseResult[];
}

export class DeskStore {
  /** The providers, each as its default identity's view, in the sidebar's order. */
  providers = $state<ProviderView[]>([]);
  /** Views of identities other than the default, read when first shown. */
  identityViews = $state<Record<string, ProviderView>>({});
  /** The slot key shown. */
  selected = $state<string | null>(null);
  /** The project file the app works in, with its environments; null without one. */
  project = $state<ProjectView | null>(null);
  /** Why the project could not be read (its error names the line). */
  projectError = $state<CommandError | null>(null);
  /** The trust banner was put off ("Not now") for the file with this SHA-256. */
  trustDismissed = $state<string | null>(null);
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
  /** An API URL the Add form starts from (a Try-it remedy: RFC 9728 metadata). */
  addFromResource = $state<string | null>(null);
  tab = $state<Tab>('tokens');
  #toastTimer: ReturnType<typeof setTimeout> | null = null;

  get current(): ProviderView | null {
    if (this.selected == null) return null;
    return this.providers.find((p) => p.key === this.selected) ?? this.identityViews[this.selected] ?? null;
  }

  /** The provider (its default identity's view) an identity's key belongs to. */
  owner(key: string): ProviderView | null {
    return this.providers.find((p) => p.identities.some((i) => i.key === key)) ?? null;
  }

  /** An identity's state at a glance (the sidebar), from what its provider's view says. */
  identityStatus(i: IdentityView, now: number): UiStatus {
    const busy = this.busy[i.key];
    if (busy === 'refreshing') return 'refreshing';
    if (busy === 'signing in') return 'signing_in';
    switch (i.status) {
      case 'signed_in':
        return i.expires_at != null && i.expires_at <= now ? 'expired' : 'signed_in';
      case 'sign_in_needed':
        return 'sign_in_needed';
      case 'error':
        return 'error';
      default:
        return this.errors[i.key] ? 'error' : 'not_signed_in';
    }
  }

  status(p: ProviderView, now: number): UiStatus {
    const busy = this.busy[p.key];
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
        return this.errors[p.key] ? 'error' : 'not_signed_in';
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
    await this.loadProject();
    try {
      this.providers = await api.listProviders();
      this.globalError = null;
      const known = (key: string | null) =>
        key != null && (this.providers.some((p) => p.key === key) || this.owner(key) != null);
      if (!known(this.selected)) this.selected = this.providers[0]?.key ?? null;
      const current = this.selected && this.owner(this.selected);
      if (current && current.key !== this.selected) void this.reload(this.selected!);
    } catch (e) {
      this.globalError = asCommandError(e);
    } finally {
      this.loaded = true;
    }
  }

  async loadProject(): Promise<void> {
    try {
      this.project = await api.projectView();
      this.projectError = null;
    } catch (e) {
      this.project = null;
      this.projectError = asCommandError(e);
    }
  }

  /** Re-reads what a slot key names (after a keeper event or a flow): the provider, and the
   *  identity's own view when it is not the default one. */
  async reload(key: string): Promise<void> {
    const owner = this.owner(key);
    if (!owner) {
      await this.load();
      return;
    }
    try {
      this.put(await api.getProvider(owner.reference));
      const identity = owner.identities.find((i) => i.key === key);
      if (identity && key !== owner.key && (this.identityViews[key] || this.selected === key))
        this.put(await api.getProvider(identity.reference));
    } catch {
      await this.load();
    }
  }

  put(view: ProviderView): void {
    const i = this.providers.findIndex((p) => p.key === view.key);
    if (i >= 0) this.providers[i] = view;
    else if (view.reference.identity == null) this.providers.push(view);
    else this.identityViews[view.key] = view;
  }

  /** Shows a provider's identity (its slot key), reading its view when it is not at hand. */
  select(key: string | null): void {
    this.selected = key;
    this.panel = 'provider';
    if (key == null || this.providers.some((p) => p.key === key) || this.identityViews[key]) return;
    const identity = this.owner(key)?.identities.find((i) => i.key === key);
    if (identity)
      void api
        .getProvider(identity.reference)
        .then((view) => this.put(view))
        .catch((e) => (this.errors[key] = asCommandError(e)));
  }

  /** Switches the project's environment: the sidebar and every countdown follow. */
  async switchEnv(env: string): Promise<void> {
    try {
      this.project = await api.useEnvironment(env);
      this.identityViews = {};
      await this.load();
    } catch (e) {
      this.projectError = asCommandError(e);
    }
  }

  /** Opens a project file (null: works without one). */
  async openProject(file: string | null): Promise<boolean> {
    try {
      this.project = await api.openProject(file);
      this.projectError = null;
      this.identityViews = {};
      this.selected = null;
      await this.load();
      return true;
    } catch (e) {
      this.projectError = asCommandError(e);
      return false;
    }
  }

  /** Runs one action of an identity (by slot key): marks it busy, keeps its error where it
   *  happened. */
  async run<T>(key: string, label: string, action: () => Promise<T>): Promise<T | undefined> {
    this.busy[key] = label;
    this.errors[key] = null;
    try {
      const result = await action();
      if (isView(result)) this.put(result);
      return result;
    } catch (e) {
      const error = asCommandError(e);
      // Closing the login window is a choice, not a failure.
      if (error.kind !== 'cancelled') this.errors[key] = error;
      return undefined;
    } finally {
      delete this.busy[key];
    }
  }

  /** What the engine changed: re-read what it concerns. The report is the truth: a failed
   *  background refresh shows there (`last_refresh_error`), next to a token that still works. */
  onChange(change: Change): void {
    switch (change.kind) {
      case 'refreshing':
        this.busy[change.provider] = 'refreshing';
        break;
      case 'providers': {
        const named = change.provider && this.providers.find((p) => p.key === change.provider);
        if (named) void this.reload(named.key);
        else void this.load();
        break;
      }
      case 'tokens':
        // A renewal ends with a tokens change, whoever asked for it (the keeper, a CLI `token`).
        if (this.busy[change.provider] === 'refreshing') delete this.busy[change.provider];
        if (this.owner(change.provider)) void this.reload(change.provider);
        break;
      case 'sign_in':
        if (change.state === 'embedded_refused' || change.state === 'ignored_response')
          this.notices[change.provider] = change.message;
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
    const key = event.provider;
    if (this.busy[key] === 'refreshing') delete this.busy[key];
    if (event.kind === 'refreshed') this.errors[key] = null;
    // Another environment's identity (the keeper keeps them all fresh) is not shown here.
    if (this.owner(key)) void this.reload(key);
  }

  onShell(event: ShellEvent): void {
    switch (event.kind) {
      case 'device_code':
        this.deviceCodes[event.start.code.key] = event.start;
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
