// Typed calls into the shell. Every command returns its value or throws a CommandError
// ({kind, message, server_error, server_description}); nothing here knows OAuth rules.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  ActiveAuditPlan,
  AssertionInput,
  AuditFormat,
  AuditReport,
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
  IdentityView,
  NamedSecrets,
  ProjectTrustView,
  ProjectView,
  ProviderRef,
  ProviderDraft,
  ProviderSpec,
  Report,
  SpecProblem,
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
  getProvider: (provider: ProviderRef) => invoke<ProviderView>('get_provider', { provider }),
  listTemplates: () => invoke<TemplateView[]>('list_templates'),
  /** The provider form as typed, checked by the engine (no server asked). */
  checkProvider: (draft: ProviderDraft) => invoke<SpecProblem[]>('check_provider', { draft }),
  addProvider: (spec: ProviderSpec, secrets: SecretsForm, fromResource: string | null = null) =>
    invoke<ProviderView>('add_provider', { spec, secrets, fromResource }),
  updateProvider: (provider: ProviderRef, spec: ProviderSpec, secrets: SecretsForm) =>
    invoke<ProviderView>('update_provider', { provider, spec, secrets }),
  duplicateProvider: (provider: ProviderRef, newName: string) =>
    invoke<ProviderView>('duplicate_provider', { provider, newName }),
  reorderProviders: (names: string[]) => invoke<void>('reorder_providers', { names }),
  removeProvider: (provider: ProviderRef) => invoke<void>('remove_provider', { provider }),
  exportProvider: (provider: ProviderRef) => invoke<string>('export_provider', { provider }),
  /** With `save` false: the report of what would be imported; true: all saved, or none. */
  importProviders: (files: ImportFile[], format: ImportFormat, env: ImportFile | null, rename: string | null, save: boolean) =>
    invoke<ImportReport>('import_providers', { files, format, env, rename, save }),

  signIn: (
    provider: ProviderRef,
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
    return invoke<ProviderView>('sign_in', { provider, options });
  },
  cancelSignIn: (provider: ProviderRef) => invoke<void>('cancel_sign_in', { provider }),
  submitRedirectUrl: (provider: ProviderRef, url: string) =>
    invoke<void>('submit_redirect_url', { provider, url }),
  /** Resolves when approved; the code to show arrives meanwhile as a `device_code` shell event. */
  deviceSignIn: (provider: ProviderRef, scope: string | null) =>
    invoke<ProviderView>('device_sign_in', { provider, scope }),
  deviceOpenPage: (provider: ProviderRef) => invoke<void>('device_open_page', { provider }),
  clientCredentials: (provider: ProviderRef, scope: string | null) =>
    invoke<ProviderView>('client_credentials', { provider, scope }),

  refresh: (provider: ProviderRef) => invoke<ProviderView>('refresh', { provider }),
  revoke: (provider: ProviderRef) => invoke<ProviderView>('revoke', { provider }),
  signOut: (provider: ProviderRef) => invoke<ProviderView>('sign_out', { provider }),
  introspect: (provider: ProviderRef, kind: TokenKind) => invoke<JsonValue>('introspect', { provider, kind }),
  userinfo: (provider: ProviderRef) => invoke<JsonValue>('userinfo', { provider }),
  revealToken: (provider: ProviderRef, kind: TokenKind) => invoke<string>('reveal_token', { provider, kind }),
  copyToken: (provider: ProviderRef, kind: TokenKind, format: TokenFormat) =>
    invoke<void>('copy_token', { provider, kind, format }),
  /** The headers a request to `url` needs (Authorization, and a DPoP proof), to the clipboard. */
  copyResourceHeaders: (provider: ProviderRef, method: string, url: string) =>
    invoke<void>('copy_resource_headers', { provider, method, url }),
  /** Sends a request with a fresh token (Try it). */
  callResource: (provider: ProviderRef, input: CallInput) => invoke<CallResult>('call_resource', { provider, input }),
  getTrace: (provider: ProviderRef) => invoke<Trace | null>('get_trace', { provider }),
  exportHar: (provider: ProviderRef) => invoke<string>('export_har', { provider }),
  getSettings: () => invoke<Settings>('get_settings'),
  setSettings: (settings: Settings) => invoke<Settings>('set_settings', { settings }),

  grantTexts: () => invoke<GrantTexts>('grant_texts'),
  exchange: (provider: ProviderRef, request: ExchangeRequest) => invoke<ProviderView>('exchange', { provider, request }),
  assertionPreview: (provider: ProviderRef, subject: string | null, issuer: string | null) =>
    invoke<JsonValue>('assertion_preview', { provider, subject, issuer }),
  jwtBearer: (provider: ProviderRef, assertion: AssertionInput, scope: string | null) =>
    invoke<ProviderView>('jwt_bearer', { provider, assertion, scope }),
  passwordGrant: (provider: ProviderRef, username: string, password: string, scope: string | null) =>
    invoke<ProviderView>('password_grant', { provider, username, password, scope }),
  /** Ends the session at the provider in its login window, then forgets the tokens. */
  endSession: (provider: ProviderRef) => invoke<ProviderView>('end_session', { provider }),

  labPlan: (provider: ProviderRef) => invoke<LabPlanView>('lab_plan', { provider }),
  /** The plan's cases, or a CommandError naming the line. */
  checkLabPlan: (text: string) => invoke<Plan>('check_lab_plan', { text }),
  saveLabPlan: (provider: ProviderRef, text: string | null) => invoke<Plan | null>('save_lab_plan', { provider, text }),
  /** Keeps the plan with the provider, then runs it (or one case); progress arrives as `lab` changes. */
  runLab: (provider: ProviderRef, plan: string, only: string | null, keepTokens: boolean) =>
    invoke<LabRunView>('run_lab', { provider, plan, only, keepTokens }),
  lastLabRun: (provider: ProviderRef) => invoke<LabRunView | null>('last_lab_run', { provider }),
  /** Writes the run to the Downloads folder; its path. */
  exportLabRun: (provider: ProviderRef, startedAt: number, format: LabFormat) =>
    invoke<string>('export_lab_run', { provider, startedAt, format }),
  labCaseReport: (provider: ProviderRef, caseName: string) => invoke<Report>('lab_case_report', { provider, case: caseName }),
  /** What probing with sign-ins will do to the server, in the engine's words (sends nothing). */
  auditPlan: (provider: ProviderRef) => invoke<ActiveAuditPlan>('audit_plan', { provider }),
  auditProvider: (provider: ProviderRef, active = false) => invoke<AuditReport>('audit_provider', { provider, active }),
  exportAudit: (provider: ProviderRef, format: AuditFormat) => invoke<string>('export_audit', { provider, format }),

  /** The project the app works in (null without one), its environments and providers. */
  projectView: () => invoke<ProjectView | null>('project_view'),
  /** Works in the project file `file` (null: without a project), remembered for the next start. */
  openProject: (file: string | null) => invoke<ProjectView | null>('open_project', { file }),
  openProjectFile: () => invoke<void>('open_project_file'),
  useEnvironment: (env: string) => invoke<ProjectView>('use_environment', { env }),
  /** The trust banner's Allow: the project file as shown (its SHA-256) may be used. */
  allowProject: (sha256: string) => invoke<ProjectTrustView>('allow_project', { sha256 }),
  denyProject: () => invoke<ProjectTrustView>('deny_project'),
  /** Sign in as…: a new identity of `provider` (its `identity` names it). */
  addIdentity: (provider: ProviderRef, loginHint: string | null) =>
    invoke<IdentityView>('add_identity', { provider, loginHint }),
  removeIdentity: (provider: ProviderRef) => invoke<void>('remove_identity', { provider }),
  namedSecrets: () => invoke<NamedSecrets>('named_secrets'),
  setNamedSecret: (name: string, value: string) => invoke<void>('set_named_secret', { name, value }),
  removeNamedSecret: (name: string) => invoke<boolean>('remove_named_secret', { name }),
};

/** What the engine changed: providers, tokens, sign-ins, the keeper's work. */
export function onDeskChange(handler: (e: Change) => void): Promise<UnlistenFn> {
  return listen<Change>('desk', (event) => handler(event.payload));
}

export function onShellEvent(handler: (e: ShellEvent) => void): Promise<UnlistenFn> {
  return listen<ShellEvent>('shell', (event) => handler(event.payload));
}
