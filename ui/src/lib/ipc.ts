// Typed calls into the shell. Every command returns its value or throws a CommandError
// ({kind, message, server_error, server_description}); nothing here knows OAuth rules.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AssertionInput,
  CallInput,
  CallResult,
  Change,
  ExchangeRequest,
  GrantTexts,
  ResponseMode,
  ResponseType,
  SignInOptions,
  CommandError,
  ImportFile,
  ImportFormat,
  ImportReport,
  JsonValue,
  LabFormat,
  LabPlanView,
  LabRunView,
  Plan,
  ProviderSpec,
  Report,
  ProviderView,
  SecretsForm,
  Settings,
  ShellEvent,
  TemplateView,
  TokenFormat,
  TokenKind,
  Trace,
} from './bindings';

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** Any thrown value as a CommandError, so the UI always has one sentence to show. */
export function asCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  return {
    kind: 'internal',
    message: e instanceof Error ? e.message : String(e),
    advice: null,
    server_error: null,
    server_description: null,
  };
}

export const api = {
  listProviders: () => invoke<ProviderView[]>('list_providers'),
  getProvider: (name: string) => invoke<ProviderView>('get_provider', { name }),
  listTemplates: () => invoke<TemplateView[]>('list_templates'),
  addProvider: (spec: ProviderSpec, secrets: SecretsForm) =>
    invoke<ProviderView>('add_provider', { spec, secrets }),
  updateProvider: (name: string, spec: ProviderSpec, secrets: SecretsForm) =>
    invoke<ProviderView>('update_provider', { name, spec, secrets }),
  duplicateProvider: (name: string, newName: string) =>
    invoke<ProviderView>('duplicate_provider', { name, newName }),
  reorderProviders: (names: string[]) => invoke<void>('reorder_providers', { names }),
  removeProvider: (name: string) => invoke<void>('remove_provider', { name }),
  exportProvider: (name: string) => invoke<string>('export_provider', { name }),
  /** With `save` false: the report of what would be imported; true: all saved, or none. */
  importProviders: (files: ImportFile[], format: ImportFormat, env: ImportFile | null, rename: string | null, save: boolean) =>
    invoke<ImportReport>('import_providers', { files, format, env, rename, save }),

  signIn: (
    name: string,
    fresh: boolean,
    systemBrowser: boolean | null,
    scope: string | null,
    responseType: ResponseType | null = null,
    responseMode: ResponseMode | null = null,
    params: string[] = [],
  ) => {
    const options: SignInOptions = {
      fresh,
      system_browser: systemBrowser,
      scope,
      response_type: responseType,
      response_mode: responseMode,
      params,
    };
    return invoke<ProviderView>('sign_in', { name, options });
  },
  cancelSignIn: (name: string) => invoke<void>('cancel_sign_in', { name }),
  submitRedirectUrl: (name: string, url: string) =>
    invoke<void>('submit_redirect_url', { name, url }),
  /** Resolves when approved; the code to show arrives meanwhile as a `device_code` shell event. */
  deviceSignIn: (name: string, scope: string | null) =>
    invoke<ProviderView>('device_sign_in', { name, scope }),
  deviceOpenPage: (name: string) => invoke<void>('device_open_page', { name }),
  clientCredentials: (name: string, scope: string | null) =>
    invoke<ProviderView>('client_credentials', { name, scope }),

  refresh: (name: string) => invoke<ProviderView>('refresh', { name }),
  revoke: (name: string) => invoke<ProviderView>('revoke', { name }),
  signOut: (name: string) => invoke<ProviderView>('sign_out', { name }),
  introspect: (name: string, kind: TokenKind) => invoke<JsonValue>('introspect', { name, kind }),
  userinfo: (name: string) => invoke<JsonValue>('userinfo', { name }),
  revealToken: (name: string, kind: TokenKind) => invoke<string>('reveal_token', { name, kind }),
  copyToken: (name: string, kind: TokenKind, format: TokenFormat) =>
    invoke<void>('copy_token', { name, kind, format }),
  /** The headers a request to `url` needs (Authorization, and a DPoP proof), to the clipboard. */
  copyResourceHeaders: (name: string, method: string, url: string) =>
    invoke<void>('copy_resource_headers', { name, method, url }),
  /** Sends a request with a fresh token (Try it). */
  callResource: (name: string, input: CallInput) => invoke<CallResult>('call_resource', { name, input }),
  getTrace: (name: string) => invoke<Trace | null>('get_trace', { name }),
  exportHar: (name: string) => invoke<string>('export_har', { name }),
  getSettings: () => invoke<Settings>('get_settings'),
  setSettings: (settings: Settings) => invoke<Settings>('set_settings', { settings }),

  grantTexts: () => invoke<GrantTexts>('grant_texts'),
  exchange: (name: string, request: ExchangeRequest) => invoke<ProviderView>('exchange', { name, request }),
  assertionPreview: (name: string, subject: string | null, issuer: string | null) =>
    invoke<JsonValue>('assertion_preview', { name, subject, issuer }),
  jwtBearer: (name: string, assertion: AssertionInput, scope: string | null) =>
    invoke<ProviderView>('jwt_bearer', { name, assertion, scope }),
  passwordGrant: (name: string, username: string, password: string, scope: string | null) =>
    invoke<ProviderView>('password_grant', { name, username, password, scope }),
  /** Ends the session at the provider in its login window, then forgets the tokens. */
  endSession: (name: string) => invoke<ProviderView>('end_session', { name }),

  labPlan: (name: string) => invoke<LabPlanView>('lab_plan', { name }),
  /** The plan's cases, or a CommandError naming the line. */
  checkLabPlan: (text: string) => invoke<Plan>('check_lab_plan', { text }),
  saveLabPlan: (name: string, text: string | null) => invoke<Plan | null>('save_lab_plan', { name, text }),
  /** Keeps the plan with the provider, then runs it (or one case); progress arrives as `lab` changes. */
  runLab: (name: string, plan: string, only: string | null, keepTokens: boolean) =>
    invoke<LabRunView>('run_lab', { name, plan, only, keepTokens }),
  lastLabRun: (name: string) => invoke<LabRunView | null>('last_lab_run', { name }),
  /** Writes the run to the Downloads folder; its path. */
  exportLabRun: (name: string, startedAt: number, format: LabFormat) =>
    invoke<string>('export_lab_run', { name, startedAt, format }),
  labCaseReport: (name: string, caseName: string) => invoke<Report>('lab_case_report', { name, case: caseName }),
};

/** What the engine changed: providers, tokens, sign-ins, the keeper's work. */
export function onDeskChange(handler: (e: Change) => void): Promise<UnlistenFn> {
  return listen<Change>('desk', (event) => handler(event.payload));
}

export function onShellEvent(handler: (e: ShellEvent) => void): Promise<UnlistenFn> {
  return listen<ShellEvent>('shell', (event) => handler(event.payload));
}
