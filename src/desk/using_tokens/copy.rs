//! Tokens as the places they are used want them: the value alone, an `Authorization` header,
//! curl's `-H` argument, a shell `export`, or JSON. One rule for the CLI's `token --format`,
//! the app's copy menu and the agent's fast path.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::agent::FreshToken;
use super::error::Unsupported;
use super::{Desk, DeskError};
use oauth_desk_core::secret::{IdToken, RefreshToken, Secret};
use oauth_desk_core::token::TokenKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TokenFormat {
    /// The token alone.
    #[default]
    Raw,
    /// `Authorization: Bearer …`
    Header,
    /// `{"access_token": …, "token_type": …, "expires_at": …}`
    Json,
    /// `export NAME_ACCESS_TOKEN='…'`
    Env,
    /// `-H 'Authorization: Bearer …'`, to paste after `curl`.
    Curl,
}

impl FromStr for TokenFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "raw" => Ok(TokenFormat::Raw),
            "header" => Ok(TokenFormat::Header),
            "json" => Ok(TokenFormat::Json),
            "env" => Ok(TokenFormat::Env),
            "curl" => Ok(TokenFormat::Curl),
            _ => Err(format!(
                "unknown format {s:?}: expected raw, header, json, env or curl"
            )),
        }
    }
}

/// Single-quoted for a POSIX shell.
fn shell_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `Authorization` scheme for a `token_type` (servers write `bearer` too).
fn scheme(token_type: &str) -> &'static str {
    if token_type.eq_ignore_ascii_case("dpop") {
        "DPoP"
    } else {
        "Bearer"
    }
}

/// `token` of `provider` as `format` wants it.
pub fn format_token(
    provider: &str,
    kind: TokenKind,
    token: &FreshToken,
    format: TokenFormat,
) -> Secret {
    let value = token.token.expose();
    let header = || format!("Authorization: {} {value}", scheme(&token.token_type));
    Secret::new(match format {
        TokenFormat::Raw => value.to_owned(),
        TokenFormat::Header => header(),
        TokenFormat::Curl => format!("-H {}", shell_quoted(&header())),
        TokenFormat::Env => {
            let prefix: String = provider
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            let suffix = match kind {
                TokenKind::Access => "ACCESS_TOKEN",
                TokenKind::Id => "ID_TOKEN",
                TokenKind::Refresh => "REFRESH_TOKEN",
            };
            format!("export {prefix}_{suffix}={}", shell_quoted(value))
        }
        TokenFormat::Json => {
            let key = match kind {
                TokenKind::Access => "access_token",
                TokenKind::Id => "id_token",
                TokenKind::Refresh => "refresh_token",
            };
            let mut object = serde_json::Map::new();
            object.insert(key.into(), value.into());
            if kind == TokenKind::Access {
                object.insert("token_type".into(), token.token_type.clone().into());
                object.insert("expires_at".into(), token.expires_at.into());
            }
            serde_json::Value::Object(object).to_string()
        }
    })
}

impl Desk {
    /// One of the provider's tokens in `format`: the access token fresh (renewed first when
    /// due, by the running keeper when there is one), the others as stored.
    pub async fn token_text(
        &self,
        reference: &oauth_desk_core::provider::ProviderRef,
        kind: TokenKind,
        format: TokenFormat,
    ) -> Result<Secret, DeskError> {
        let name = &reference.to_string();
        let token = match kind {
            TokenKind::Access => self.fresh_token(reference).await?,
            TokenKind::Id | TokenKind::Refresh => {
                let tokens = self
                    .tokens(reference)
                    .await?
                    .ok_or_else(|| DeskError::NotSignedIn { name: name.clone() })?;
                let value = match kind {
                    TokenKind::Id => tokens.id_token.map(IdToken::into_secret),
                    _ => tokens.refresh_token.map(RefreshToken::into_secret),
                };
                FreshToken {
                    token: value.ok_or_else(|| {
                        DeskError::from(Unsupported::NoSuchToken {
                            provider: name.clone(),
                            kind,
                        })
                    })?,
                    token_type: tokens.token_type,
                    expires_at: None,
                }
            }
        };
        Ok(format_token(&reference.typed(), kind, &token, format))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(value: &str, token_type: &str) -> FreshToken {
        FreshToken {
            token: Secret::new(value),
            token_type: token_type.into(),
            expires_at: Some(1_767_000_000),
        }
    }

    #[test]
    fn every_format_as_the_contract_says() {
        let t = token("ey.J'x", "bearer");
        let text = |format| {
            format_token("my-op.dev", TokenKind::Access, &t, format)
                .expose()
                .to_owned()
        };
        assert_eq!(text(TokenFormat::Raw), "ey.J'x");
        assert_eq!(
            text(TokenFormat::Header),
            "Authorization: Bearer ey.J'x",
            "a lowercase bearer is still the Bearer scheme"
        );
        assert_eq!(
            text(TokenFormat::Curl),
            r"-H 'Authorization: Bearer ey.J'\''x'",
            "quoted so a shell passes it to curl intact"
        );
        assert_eq!(
            text(TokenFormat::Env),
            r"export MY_OP_DEV_ACCESS_TOKEN='ey.J'\''x'"
        );
        let json: serde_json::Value = serde_json::from_str(&text(TokenFormat::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"access_token": "ey.J'x", "token_type": "bearer", "expires_at": 1_767_000_000})
        );
        assert_eq!(
            format_token("p", TokenKind::Id, &t, TokenFormat::Env).expose(),
            r"export P_ID_TOKEN='ey.J'\''x'"
        );
        assert_eq!(
            format_token(
                "p",
                TokenKind::Access,
                &token("t", "DPoP"),
                TokenFormat::Header
            )
            .expose(),
            "Authorization: DPoP t"
        );
        assert!("yaml".parse::<TokenFormat>().is_err());
    }
}
