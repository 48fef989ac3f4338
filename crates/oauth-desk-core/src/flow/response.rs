//! What an authorization response may carry besides a code (OIDC Core §3.2 implicit, §3.3
//! hybrid; OAuth 2.0 Multiple Response Types; Form Post Response Mode), and the checks that
//! bind front-channel tokens to their sign-in: `at_hash` and `c_hash` (OIDC Core §3.2.2.10,
//! §3.3.2.11), the nonce.

use serde::{Deserialize, Serialize};

use crate::secret::{AccessToken, AuthorizationCode, IdToken};

/// The `response_type` of a sign-in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ResponseType {
    #[default]
    #[serde(rename = "code")]
    Code,
    #[serde(rename = "code id_token")]
    CodeIdToken,
    #[serde(rename = "code token")]
    CodeToken,
    #[serde(rename = "code id_token token")]
    CodeIdTokenToken,
    #[serde(rename = "id_token")]
    IdToken,
    #[serde(rename = "id_token token")]
    IdTokenToken,
    #[serde(rename = "token")]
    Token,
}

impl ResponseType {
    pub const ALL: [ResponseType; 7] = [
        ResponseType::Code,
        ResponseType::CodeIdToken,
        ResponseType::CodeToken,
        ResponseType::CodeIdTokenToken,
        ResponseType::IdToken,
        ResponseType::IdTokenToken,
        ResponseType::Token,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::Code => "code",
            ResponseType::CodeIdToken => "code id_token",
            ResponseType::CodeToken => "code token",
            ResponseType::CodeIdTokenToken => "code id_token token",
            ResponseType::IdToken => "id_token",
            ResponseType::IdTokenToken => "id_token token",
            ResponseType::Token => "token",
        }
    }

    pub fn has_code(self) -> bool {
        self.as_str().split(' ').any(|p| p == "code")
    }

    pub fn has_id_token(self) -> bool {
        self.as_str().split(' ').any(|p| p == "id_token")
    }

    pub fn has_token(self) -> bool {
        self.as_str().split(' ').any(|p| p == "token")
    }

    /// Anything but the code flow hands tokens to the browser (RFC 9700 §2.1.2 deprecates it).
    pub fn front_channel(self) -> bool {
        self != ResponseType::Code
    }

    /// The mode the server uses when none is asked: query for `code`, else fragment.
    pub fn default_mode(self) -> ResponseMode {
        if self == ResponseType::Code {
            ResponseMode::Query
        } else {
            ResponseMode::Fragment
        }
    }
}

impl std::str::FromStr for ResponseType {
    type Err = String;

    /// Any order of the words, as OAuth 2.0 Multiple Response Types allows.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut words: Vec<&str> = s.split([' ', '+', ',']).filter(|w| !w.is_empty()).collect();
        words.sort_unstable();
        ResponseType::ALL
            .into_iter()
            .find(|t| {
                let mut own: Vec<&str> = t.as_str().split(' ').collect();
                own.sort_unstable();
                own == words
            })
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a response type: one of {}",
                    ResponseType::ALL
                        .map(|t| format!("\"{}\"", t.as_str()))
                        .join(", ")
                )
            })
    }
}

/// How the response comes back: `response_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

impl ResponseMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseMode::Query => "query",
            ResponseMode::Fragment => "fragment",
            ResponseMode::FormPost => "form_post",
        }
    }
}

impl std::str::FromStr for ResponseMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "query" => Ok(ResponseMode::Query),
            "fragment" => Ok(ResponseMode::Fragment),
            "form_post" | "form-post" => Ok(ResponseMode::FormPost),
            other => Err(format!(
                "{other:?} is not a response mode: query, fragment or form_post"
            )),
        }
    }
}

/// The response type and mode of one sign-in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseShape {
    pub response_type: ResponseType,
    /// `None`: the type's default, not sent.
    pub response_mode: Option<ResponseMode>,
}

impl ResponseShape {
    pub fn mode(self) -> ResponseMode {
        self.response_mode
            .unwrap_or_else(|| self.response_type.default_mode())
    }
}

/// A checked authorization response: the code and the tokens that came with it.
#[derive(Debug)]
pub struct AuthorizationResponse {
    pub code: Option<AuthorizationCode>,
    /// The `iss` parameter as the server sent it (RFC 9207), already compared with the issuer.
    pub iss: Option<String>,
    pub id_token: Option<IdToken>,
    pub access_token: Option<AccessToken>,
    pub token_type: Option<String>,
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
}
