// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p oauth-desk-app bindings

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type ProviderSpec = { name: string, template: string | null, issuer: string | null, authorization_url: string | null, token_url: string | null, device_url: string | null, revocation_url: string | null, introspection_url: string | null, userinfo_url: string | null, jwks_url: string | null, end_session_url: string | null, 
/**
 * The pushed authorization request endpoint (RFC 9126), when discovery has none.
 */
par_url: string | null, client_id: string, auth_method: AuthMethod | null, scope: string | null, redirect_uri: string | null, 
/**
 * Where the end-session page returns (a loopback URI), for servers that compare it.
 */
post_logout_redirect_uri: string | null, pkce: PkceMode | null, authorize_method: AuthorizeMethod | null, params: Array<string>, token_params: Array<string>, 
/**
 * Resource indicators (RFC 8707), absolute URIs.
 */
resources: Array<string>, callback_timeout_secs: number | null, 
/**
 * Keep the keeper away from this provider.
 */
no_auto_refresh: boolean, 
/**
 * Renew this long before expiry instead of the default margin.
 */
refresh_margin_secs: number | null, 
/**
 * The desktop app signs in with the system browser rather than its login window.
 */
system_browser: boolean, 
/**
 * Accept plain-http endpoints on hosts that are not loopback (insecure: shown as a warning
 * wherever the provider is).
 */
allow_http: boolean, 
/**
 * The username git is given with the token (default `oauth2`).
 */
git_username: string | null, 
/**
 * The protected resource metadata URL (RFC 9728) the settings came from.
 */
resource_metadata: string | null, 
/**
 * Push the authorization request (RFC 9126): auto (default), on, off.
 */
par: ParMode | null, 
/**
 * Send the authorization request as a signed request object (RFC 9101).
 */
request_object: RequestObjectMode | null, 
/**
 * Bind tokens to a DPoP key (RFC 9449).
 */
dpop: boolean, 
/**
 * The DPoP key's algorithm (implies `dpop`); ES256 when unset.
 */
dpop_alg: DpopAlg | null, 
/**
 * RFC 9396 authorization details, a JSON array of objects with `type`.
 */
authorization_details: string | null, 
/**
 * The `aud` of client assertions: the issuer (default) or the token endpoint.
 */
assertion_audience: AssertionAudience | null, };

export type AuthMethod = "none" | "client_secret_post" | "client_secret_basic" | "private_key_jwt" | "client_secret_jwt" | "tls_client_auth" | "self_signed_tls_client_auth";

export type PkceMode = "s256" | "plain" | "off";

export type AuthorizeMethod = "get" | "post";

export type ProviderView = { name: string, 
/**
 * Which provider, identity and environment this view (its report) is of.
 */
reference: ProviderRef, 
/**
 * Its slot key: what the change stream and the keeper name it by.
 */
key: Slot, 
/**
 * Where its settings are: the project file and line for a project's provider (edited
 * there only), `None` for the config's.
 */
defined_in: DefinedIn | null, 
/**
 * The template's title ("Google"), or "OpenID Connect" / "OAuth 2.0".
 */
kind: string, spec: ProviderSpec, has_client_secret: boolean, has_private_key: boolean, 
/**
 * The redirect comes back to a loopback listener (else a login window intercepts it, or
 * the person pastes it).
 */
loopback_redirect: boolean, grants: Grants, security: SecurityView, report: Report, 
/**
 * Its identities, the default one first, each with where its tokens stand.
 */
identities: Array<IdentityView>, 
/**
 * A project's provider whose file is not allowed as it is now: shown from the file
 * alone (no server asked, no secret read), and nothing runs for it.
 */
waiting_for_trust: boolean, 
/**
 * A project's provider that hides one of the config's of the same name (reach that one
 * without the project).
 */
hides_config_provider: boolean, };

export type Grants = { authorization_code: boolean, device: boolean, client_credentials: boolean, revoke: boolean, introspect: boolean, userinfo: boolean, 
/**
 * RP-initiated logout: the provider has an end-session endpoint.
 */
end_session: boolean, };

export type TemplateView = { name: string, title: string, quirks: string, 
/**
 * The person must give the issuer (tenant or domain specific).
 */
needs_issuer: boolean, spec: ProviderSpec, };

export type Report = { provider: string, 
/**
 * The identity whose tokens these are (`null`: the provider's default identity).
 */
identity: string | null, 
/**
 * The project environment they belong to, for a project's provider.
 */
environment: string | null, 
/**
 * The project file, for a project's provider.
 */
project: string | null, status: Status, status_detail: string | null, issuer: string | null, client_id: string, access_token: AccessTokenReport | null, refresh_token: RefreshTokenReport | null, id_token: IdTokenReport | null, scopes: ScopeDiff | null, 
/**
 * Fields of the token response OAuth Desk has no name for, as the server sent them.
 */
extra: { [key in string]: JsonValue }, 
/**
 * The rich authorization the server granted (RFC 9396 §7), from the token response.
 */
authorization_details: unknown, 
/**
 * The authorization details' types asked for versus granted, when some were asked.
 */
details: DetailsDiff | null, 
/**
 * Server clock versus this machine's, when the server sent a `Date`.
 */
clock: ClockReport | null, 
/**
 * The last background renewal failed while the tokens stayed usable: why, and when the
 * next attempt is.
 */
last_refresh_error: RefreshFailure | null, 
/**
 * Endpoints that travel in plain http off loopback (the provider allowed them): a warning.
 */
insecure_transport: Array<string>, 
/**
 * Tokens that came through the front channel (implicit or hybrid), with why that matters.
 */
front_channel: FrontChannelReport | null, 
/**
 * When the report was made (Unix seconds), for `expires_in`.
 */
now: number, };

export type Status = "signed_in" | "not_signed_in" | "sign_in_needed" | "error";

export type ClockReport = { 
/**
 * Server clock minus local clock, seconds.
 */
server_offset_secs: number, warning: string | null, };

export type AccessTokenReport = { 
/**
 * `jwt` or `opaque`.
 */
format: string, token_type: string, expires_at: number | null, 
/**
 * Seconds left (negative once expired); `null` when the expiry is unknown.
 */
expires_in: number | null, lifetime: number | null, obtained_at: number, expired: boolean, 
/**
 * Who the token is for: a JWT access token's `aud` (RFC 9068), as a list (empty when
 * the token is opaque or names none).
 */
audience: Array<string>, header: { [key in string]: JsonValue } | null, claims: { [key in string]: JsonValue } | null, 
/**
 * The claims that are times, to be shown as such (see [`jwt::TIME_CLAIMS`]).
 */
time_claims: Array<string>, 
/**
 * For a JWT access token (RFC 9068): its signature against the provider's JWKS.
 */
signature: Check | null, 
/**
 * The token's confirmation (RFC 7800 `cnf`: `jkt` for DPoP, `x5t#S256` for mTLS), from
 * the JWT or, for an opaque token, from introspection when it was issued.
 */
cnf: Record<string, unknown> | null, 
/**
 * What the token is bound to (DPoP key, client certificate), checked against ours
 * (empty for a Bearer token no key was presented for).
 */
binding: Array<Binding>, value: string | null, };

export type RefreshTokenReport = { present: boolean, refresh_count: number, rotations: number, 
/**
 * The last refreshes, oldest first.
 */
history: Array<RefreshRecord>, value: string | null, };

export type RefreshRecord = { 
/**
 * Unix seconds.
 */
at: number, 
/**
 * Lifetime of the new access token, seconds, when the server said.
 */
expires_in: number | null, 
/**
 * The server sent a new refresh token.
 */
rotated: boolean, };

export type RefreshFailure = { message: string, 
/**
 * Unix seconds.
 */
failed_at: number, 
/**
 * Unix seconds of the keeper's next attempt, when one is scheduled.
 */
next_attempt_at: number | null, };

export type IdTokenReport = { header: { [key in string]: JsonValue } | null, claims: { [key in string]: JsonValue } | null, 
/**
 * The claims that are times, to be shown as such (see [`jwt::TIME_CLAIMS`]).
 */
time_claims: Array<string>, error: string | null, checks: Array<Check>, value: string | null, };

export type Check = { name: string, result: CheckResult, detail: string, };

export type CheckResult = "pass" | "fail" | "skip";

export type ScopeDiff = { requested: Array<string>, granted: Array<string>, 
/**
 * Asked for, not given.
 */
not_granted: Array<string>, 
/**
 * Given without being asked for.
 */
extra_granted: Array<string>, 
/**
 * False when the server did not list scopes (then granted = requested).
 */
server_listed: boolean, };

export type DetailsDiff = { requested: Array<string>, granted: Array<string>, 
/**
 * Types asked for that no granted detail has.
 */
not_granted: Array<string>, 
/**
 * False when the response had no `authorization_details` at all.
 */
server_listed: boolean, };

export type Trace = { provider: string, flow: string, started_at_ms: number, exchanges: Array<Exchange>, };

export type Exchange = { 
/**
 * What this step was, e.g. "token (refresh_token)".
 */
label: string, 
/**
 * Unix milliseconds.
 */
started_at_ms: number, duration_ms: number, method: string, url: string, request: Message, status?: number | null, response?: Message | null, error?: string | null, };

export type Message = { headers: Array<[string, string]>, body?: string | null, };

export type Change = { "kind": "providers", provider: Slot | null, } | { "kind": "tokens", provider: Slot, } | { "kind": "refreshing", provider: Slot, } | { "kind": "sign_in", provider: Slot, state: SignInState, message: string | null, } | { "kind": "keeper", event: KeeperEvent, } | { "kind": "lab", provider: Slot, progress: LabProgress, };

export type KeeperEvent = { "kind": "refreshed", provider: Slot, expires_at: number | null, } | { "kind": "refresh_failed", provider: Slot, reason: string, retry_in_secs: number, } | { "kind": "expiring_soon", provider: Slot, expires_at: number, } | { "kind": "expired", provider: Slot, } | { "kind": "sign_in_needed", provider: Slot, reason: string, } | { "kind": "stopped", provider: Slot, reason: string, };

export type SignInState = "waiting" | "embedded_refused" | "ignored_response" | "finished";

export type DeviceCode = { 
/**
 * The provider and identity as a person reads them.
 */
provider: string, reference: ProviderRef, 
/**
 * The slot key of `reference` (what the change stream names it by).
 */
key: Slot, user_code: string, verification_uri: string, verification_uri_complete: string | null, 
/**
 * The page to open: the complete URI when there is one.
 */
open_uri: string, 
/**
 * Unix seconds when the code expires.
 */
expires_at: number, };

export type DeviceStart = { code: DeviceCode, 
/**
 * The QR code of the page to open, as an SVG document.
 */
qr_svg: string, };

export type ShellEvent = { "kind": "device_code", start: DeviceStart, } | { "kind": "clipboard_cleared" };

export type TokenKind = "access" | "refresh" | "id";

export type TokenFormat = "raw" | "header" | "json" | "env" | "curl";

export type Settings = { 
/**
 * Clear the clipboard this long after a copy if it still holds the token; 0 = never.
 */
clipboard_clear_secs: number, 
/**
 * Closing the main window keeps the app running in the tray.
 */
close_to_tray: boolean, 
/**
 * Notify when a provider needs sign-in or a refresh fails.
 */
notifications: boolean, 
/**
 * The project file opened last (opened again at start).
 */
last_project: string | null, };

export type CommandError = Explained;

export type Explained = { kind: ErrorKind, 
/**
 * One or two sentences, without a remedy worded for any front end.
 */
message: string, advice: Advice | null, 
/**
 * The server's `error` code, when the server answered with one.
 */
server_error: string | null, server_description: string | null, };

export type ErrorKind = "config" | "vault" | "provider" | "network" | "oauth" | "sign_in_needed" | "not_signed_in" | "cancelled" | "timeout" | "invalid" | "not_supported" | "browser" | "io" | "internal";

export type Advice = { "kind": "sign_in" } | { "kind": "sign_in_interactively" } | { "kind": "add_endpoint", endpoint: Endpoint, } | { "kind": "give_issuer_or_token_url" } | { "kind": "give_issuer" } | { "kind": "set_client_secret" } | { "kind": "set_private_key" } | { "kind": "choose_secret_auth_method" } | { "kind": "list_templates" } | { "kind": "add_provider" } | { "kind": "remove_reserved_param", param: string, } | { "kind": "change_pkce" } | { "kind": "check_client_credentials" } | { "kind": "register_redirect_uri", sent: string, } | { "kind": "fewer_scopes" } | { "kind": "use_system_browser" } | { "kind": "wait_longer" } | { "kind": "use_https" } | { "kind": "write_lab_plan" } | { "kind": "sign_in_to", provider: string, } | { "kind": "use_par" } | { "kind": "set_client_certificate" } | { "kind": "set_named_secret", name: string, } | { "kind": "edit_project_file", file: string, line: number, } | { "kind": "allow_project", file: string, } | { "kind": "add_identity", reference: string, } | { "kind": "choose_environment", known: Array<string>, } | { "kind": "pin_sign_out_return", sent: string, } | { "kind": "change_assertion_audience", sent: string, other: AssertionAudience, };

export type Endpoint = "authorization" | "token" | "device_authorization" | "revocation" | "introspection" | "userinfo" | "end_session" | "pushed_authorization";

export type ImportFormat = "auto" | "oauth-desk" | "postman" | "insomnia" | "bruno";

export type ImportFile = { path: string, text: string, };

export type ImportNote = { 
/**
 * Where it was: "collection Shop API › folder Admin › request Get orders".
 */
source: string, setting: string, reason: string, };

export type ImportReport = { format: ImportFormat, collection: string | null, providers: Array<ImportedProvider>, 
/**
 * Every setting that could not be mapped, and why.
 */
notes: Array<ImportNote>, 
/**
 * The providers were saved (false for a preview).
 */
saved: boolean, };

export type ImportedProvider = { name: string, 
/**
 * Where its settings were found.
 */
source: string, 
/**
 * "authorization code" or "client credentials".
 */
grant: string, token_url: string, has_client_secret: boolean, 
/**
 * Its client authentication needs a secret the import did not bring (exports carry none).
 */
needs_client_secret: boolean, };

export type Plan = { cases: Array<Case>, };

export type Case = { name: string, scope: string, grant: CaseGrant, checks: ChecksMode, 
/**
 * Extra authorization parameters, in the plan's order.
 */
params: Array<[string, string]>, expect_granted: Array<string>, expect_not_granted: Array<string>, expect_claims: Array<string>, expect_absent_claims: Array<string>, expect_error: string | null, 
/**
 * The identity whose login hint the case's sign-in sends (default: the run's).
 */
identity: string | null, };

export type CaseGrant = "code" | "device" | "client_credentials";

export type ChecksMode = "must_pass" | "report";

export type LabPlanView = { text: string, 
/**
 * False when `text` is the example (nothing kept yet).
 */
kept: boolean, };

export type LabProgress = { "state": "case_started", case: string, index: number, total: number, } | { "state": "case_finished", result: CaseResult, } | { "state": "finished", passed: boolean, };

export type LabRun = { provider: string, started_at: number, finished_at: number, cancelled: boolean, cases: Array<CaseResult>, 
/**
 * What changed since the provider's previous run, one sentence each.
 */
differences: Array<string>, 
/**
 * When the run compared against was made.
 */
compared_with: number | null, };

export type LabRunView = { run: LabRun, matrix: Matrix, };

export type CaseResult = { name: string, 
/**
 * The identity the case signed in as, when not the run's default.
 */
identity: string | null, result: Verdict, grant: CaseGrant, scope: string, requested: Array<string>, granted: Array<string>, not_granted: Array<string>, extra_granted: Array<string>, 
/**
 * Claim names released, from the ID token and the userinfo response, sorted.
 */
claims: Array<string>, id_token_claims: { [key in string]: JsonValue }, userinfo: { [key in string]: JsonValue } | null, userinfo_error: string | null, checks: Array<Check>, 
/**
 * The server's OAuth error when it refused the sign-in.
 */
error: string | null, error_description: string | null, 
/**
 * Each unmet expectation, one sentence each.
 */
failures: Array<string>, started_at: number, duration_ms: number, tokens: Disposal, tokens_note: string | null, };

export type Verdict = "pass" | "fail" | "skipped";

export type Disposal = "no_tokens" | "revoked" | "kept" | "not_revocable" | "revocation_failed";

export type Matrix = { scopes: Array<string>, claims: Array<string>, rows: Array<MatrixRow>, };

export type MatrixRow = { case: string, result: Verdict, 
/**
 * One cell per [`Matrix::scopes`].
 */
scopes: Array<ScopeCell>, 
/**
 * Whether each of [`Matrix::claims`] was released.
 */
claims: Array<boolean>, };

export type ScopeCell = "granted" | "not_granted" | "extra" | "not_asked";

export type LabFormat = "json" | "junit" | "csv" | "markdown";

export type AuditReport = { provider: string, issuer: string | null, findings: Array<AuditFinding>, };

export type AuditFinding = { id: string, title: string, verdict: AuditVerdict, 
/**
 * The section that asks for it, e.g. "RFC 9700 §2.1.1".
 */
rfc: string, 
/**
 * What was seen: the document, URL and values, redacted and escaped.
 */
evidence: string, };

export type AuditVerdict = "pass" | "warn" | "fail" | "skip";

export type AuditFormat = "json" | "markdown" | "junit";

export type ActiveAuditPlan = { provider: string, 
/**
 * The server probed, as a host (and port): the issuer's, else the token endpoint's.
 */
server: string, 
/**
 * The URL the server's host was read from, said as "the issuer https://…".
 */
server_from: string, 
/**
 * How many fresh sign-ins the probes take.
 */
sign_ins: number, 
/**
 * One sentence: what is about to happen and what it can cost.
 */
summary: string, 
/**
 * What each probe does, in the order they run.
 */
probes: Array<string>, };

export type ExchangeRequest = { 
/**
 * The provider (and identity) whose token is the subject.
 */
subject_from: ProviderRef, 
/**
 * Which of its tokens (access by default).
 */
subject_token: TokenKind, 
/**
 * The provider whose token is the actor (delegation, RFC 8693 §1.1).
 */
actor_from: ProviderRef | null, actor_token: TokenKind, audience: Array<string>, resource: Array<string>, 
/**
 * Replaces the provider's scopes for this exchange.
 */
scope: Scope | null, 
/**
 * A token type URN (`urn:ietf:params:oauth:token-type:…`).
 */
requested_token_type: string | null, };

export type AssertionInput = { "kind": "id_token_of", provider: ProviderRef, } | { "kind": "given", assertion: string, } | { "kind": "self_signed", subject: string | null, issuer: string | null, };

export type GrantTexts = { password_warning: string, };

export type FrontChannelReport = { tokens: Array<TokenKind>, note: string, };

export type ResponseType = "code" | "code id_token" | "code token" | "code id_token token" | "id_token" | "id_token token" | "token";

export type ResponseMode = "query" | "fragment" | "form_post";

export type SignInOptions = { fresh: boolean, system_browser: boolean | null, scope: string | null, response_type: ResponseType | null, response_mode: ResponseMode | null, 
/**
 * Extra authorization parameters, `key=value` (a step-up's `acr_values`, `max_age`).
 */
params: Array<string>, };

export type SecretsForm = { client_secret: string | null, clear_client_secret: boolean, 
/**
 * PEM private key for private_key_jwt (and signed request objects).
 */
private_key: string | null, 
/**
 * PEM client certificate (chain) and its PEM key, for mutual TLS; both or neither.
 */
client_certificate: string | null, client_key: string | null, clear_client_certificate: boolean, };

export type ProviderDraft = { spec: ProviderSpec, client_secret: boolean, private_key: boolean, client_certificate: boolean, 
/**
 * Made from an API's URL (RFC 9728) instead of an issuer or a token URL.
 */
api_url: string | null, };

export type SpecProblem = { field: SpecField, message: string, };

export type SpecField = "name" | "client_id" | "issuer" | "authorization_url" | "token_url" | "device_url" | "revocation_url" | "introspection_url" | "userinfo_url" | "jwks_url" | "end_session_url" | "par_url" | "redirect_uri" | "post_logout_redirect_uri" | "params" | "token_params" | "resources" | "authorization_details" | "auth_method" | "request_object" | "par" | "api_url" | "form";

export type CallInput = { method: string, url: string, 
/**
 * `Name: value` lines.
 */
headers: Array<string>, body: string | null, };

export type CallResult = { status: number, headers: Array<[string, string]>, content_type: string | null, 
/**
 * The body as text (lossy UTF-8).
 */
body: string, 
/**
 * The body re-indented, when it is JSON.
 */
pretty_body: string | null, 
/**
 * The body as a window shows it: re-indented when JSON, control characters and the
 * invisible characters that reorder text escaped.
 */
shown_body: string, 
/**
 * The answer was longer than the limit: `body` is its beginning.
 */
truncated: boolean, elapsed_ms: number, 
/**
 * How the token went: `Bearer` or `DPoP` (with a proof), and whether a certificate did.
 */
presented_as: string, client_certificate: boolean, 
/**
 * The `WWW-Authenticate` challenge, explained.
 */
challenge: ChallengeView | null, };

export type ChallengeView = { scheme: string, error: string | null, error_description: string | null, 
/**
 * One sentence: what the resource wants.
 */
explanation: string, remedy: Remedy | null, };

export type Remedy = { "kind": "sign_in", scope: string | null, params: Array<string>, } | { "kind": "client_credentials", scope: string | null, } | { "kind": "renew" } | { "kind": "add_from_resource", url: string, metadata: string, };

export type SecurityView = { 
/**
 * The DPoP key's JWK thumbprint (RFC 7638), when DPoP is on.
 */
dpop_thumbprint: string | null, 
/**
 * The client certificate's SHA-256 thumbprint (`x5t#S256`), when there is one.
 */
certificate_thumbprint: string | null, 
/**
 * Whether the server has a pushed authorization request endpoint.
 */
par_available: boolean, server: ServerSecurity, };

export type SecurityProfile = { par: ParMode, request_object: RequestObjectMode, 
/**
 * Tokens bound to the provider's DPoP key, made with this algorithm.
 */
dpop?: DpopAlg | null, 
/**
 * RFC 9396 `authorization_details`: a JSON array of objects with a `type`, compact.
 */
authorization_details?: string | null, 
/**
 * A client certificate and key (RFC 8705) are in the vault.
 */
client_certificate?: boolean, 
/**
 * The `aud` of client assertions.
 */
assertion_audience?: AssertionAudience, };

export type ServerSecurity = { 
/**
 * `require_pushed_authorization_requests` (RFC 9126 §5).
 */
requires_par?: boolean, 
/**
 * `request_object_signing_alg_values_supported` (RFC 9101 §10.5).
 */
request_object_algs?: Array<string>, 
/**
 * `require_signed_request_object` (RFC 9101 §10.5).
 */
requires_signed_request_object?: boolean, 
/**
 * `dpop_signing_alg_values_supported` (RFC 9449 §5.1).
 */
dpop_algs?: Array<string>, 
/**
 * `authorization_details_types_supported` (RFC 9396 §10).
 */
authorization_details_types?: Array<string>, 
/**
 * `tls_client_certificate_bound_access_tokens` (RFC 8705 §3.3).
 */
certificate_bound_tokens?: boolean, 
/**
 * `mtls_endpoint_aliases` (RFC 8705 §5): where a client presenting a certificate goes.
 */
mtls_aliases?: MtlsAliases, };

export type MtlsAliases = { token?: string | null, pushed_authorization?: string | null, device_authorization?: string | null, revocation?: string | null, introspection?: string | null, userinfo?: string | null, };

export type ParMode = "auto" | "on" | "off";

export type RequestObjectMode = "off" | "signed";

export type AssertionAudience = "issuer" | "token_endpoint";

export type DpopAlg = "ES256" | "EdDSA" | "PS256";

export type Binding = { 
/**
 * `DPoP` (RFC 9449) or `mTLS` (RFC 8705).
 */
kind: string, 
/**
 * Our key's thumbprint: the DPoP key's JWK thumbprint, the certificate's SHA-256.
 */
ours: string, 
/**
 * The token's `cnf.jkt` / `cnf.x5t#S256`, when known.
 */
bound_to: string | null, check: Check, };

export type ProviderRef = { name: ProviderName, 
/**
 * `None`: the default identity.
 */
identity: IdentityName | null, 
/**
 * `None`: a provider of the config (`provider add`); else the project file's.
 */
project: ProjectPlace | null, };

export type ProviderName = string;

export type Slot = string;

export type Scope = string;

export type IdentityName = string;

export type EnvName = string;

export type ProjectPlace = { 
/**
 * The project file, as an absolute path.
 */
file: string, 
/**
 * The environment the provider is resolved in (`None` when the file defines none).
 */
env: EnvName | null, };

export type DefinedIn = { file: string, line: number, };

export type IdentityView = { reference: ProviderRef, 
/**
 * Its slot key: what the change stream and the keeper name it by.
 */
key: Slot, 
/**
 * `NAME` or `NAME@ID`, as typed.
 */
typed: string, login_hint: string | null, origin: IdentityOrigin, status: Status, 
/**
 * When the access token expires.
 */
expires_at: number | null, 
/**
 * The signed-in user, from the ID token's `sub`.
 */
subject: string | null, };

export type IdentityOrigin = { "kind": "default" } | { "kind": "config" } | { "kind": "project_file", line: number, } | { "kind": "this_machine" };

export type ProjectView = { file: string, envs: Array<EnvView>, current: string | null, chosen_by: EnvChoice, providers: Array<string>, 
/**
 * Whether the file may be used as it is, and what it will do (the trust banner).
 */
trust: ProjectTrustView, };

export type ProjectTrustView = { file: string, state: TrustState, 
/**
 * Everything the file will do once allowed.
 */
footprint: Footprint, 
/**
 * The SHA-256 of the bytes shown: an allowance is for exactly these.
 */
sha256: string, };

export type TrustState = { "state": "allowed" } | { "state": "changed", added: Footprint, } | { "state": "never" } | { "state": "denied" };

export type Footprint = { 
/**
 * Every host (with its port when not the scheme's default) a provider names: issuers
 * and endpoints, in every environment.
 */
hosts: Array<string>, 
/**
 * Every URL a provider names, by role ("api: token endpoint http://…"): a change that
 * moves an endpoint on a host already named is still a change to show.
 */
endpoints: Array<string>, 
/**
 * The environment variables secrets are read from (`{ env = "VAR" }`).
 */
env_vars: Array<string>, 
/**
 * The files secrets are read from (`{ file = "PATH" }`), relative to the file's folder.
 */
files: Array<string>, 
/**
 * The project's named secrets it uses (`{ secret = "NAME" }`).
 */
secrets: Array<string>, 
/**
 * Providers that could not be read in some environment (they can't be used there).
 */
problems?: Array<string>, };

export type EnvView = { name: string, current: boolean, 
/**
 * The file's first error in this environment (an undefined variable, ...).
 */
problem: string | null, };

export type EnvChoice = "this_process" | "remembered" | "first_in_file" | "none";

export type NamedSecretView = { name: string, 
/**
 * When it was set (Unix seconds).
 */
set_at: number, 
/**
 * The project's providers (and keys) that name it.
 */
used_by: Array<string>, };

export type NamedSecrets = { secrets: Array<NamedSecretView>, missing: Array<string>, };
