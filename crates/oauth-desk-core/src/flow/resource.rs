//! Presenting an access token at a resource (RFC 6750 §2.1 Bearer; RFC 9449 §7 DPoP): the
//! headers a request needs, and sending one with them. A DPoP-bound token (`token_type`
//! DPoP) goes as `Authorization: DPoP` with a proof whose `ath` is the token's hash and whose
//! `htm`/`htu` are this request's; a resource that answers `use_dpop_nonce` gets the request
//! again once with its nonce (§9). A token the server issued as Bearer goes as Bearer even
//! when the client has a DPoP key (§7.1).

use url::Url;

use super::FlowError;
use crate::dpop::Dpop;
use crate::http::{HeaderValue, Http, HttpResponse};
use crate::secret::Secret;

/// An access token and what presenting it takes.
#[derive(Debug, Clone)]
pub struct Presenter<'a> {
    pub token: &'a Secret,
    pub token_type: &'a str,
    pub dpop: Option<&'a Dpop>,
}

impl Presenter<'_> {
    /// Whether the token is DPoP-bound and a proof can be made.
    pub fn uses_dpop(&self) -> bool {
        self.dpop.is_some() && self.token_type.eq_ignore_ascii_case("dpop")
    }

    /// The headers for `method` `url`: `Authorization`, and `DPoP` for a bound token.
    pub fn headers(
        &self,
        method: &str,
        url: &Url,
    ) -> Result<Vec<(&'static str, Secret)>, FlowError> {
        match self.dpop.filter(|_| self.uses_dpop()) {
            Some(dpop) => Ok(vec![
                (
                    "authorization",
                    Secret::new(format!("DPoP {}", self.token.expose())),
                ),
                ("dpop", dpop.proof_for(method, url, Some(self.token))?),
            ]),
            None => Ok(vec![(
                "authorization",
                Secret::new(format!("Bearer {}", self.token.expose())),
            )]),
        }
    }
}

/// A request to a resource, beyond the token.
#[derive(Debug, Clone, Default)]
pub struct ResourceRequest {
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Secret>,
    /// How much of the answer is read, and whether more is an error or cut.
    pub limit: crate::http::BodyLimit,
}

/// Sends `request` to `url` with the token, retrying once with a DPoP nonce when asked.
pub async fn send(
    http: &Http,
    label: &str,
    presenter: &Presenter<'_>,
    url: &Url,
    request: &ResourceRequest,
) -> Result<HttpResponse, FlowError> {
    let mut retried = false;
    loop {
        let auth = presenter.headers(&request.method, url)?;
        let mut headers: Vec<(&str, HeaderValue<'_>)> = request
            .headers
            .iter()
            .filter(|(n, _)| {
                !n.eq_ignore_ascii_case("authorization") && !n.eq_ignore_ascii_case("dpop")
            })
            .map(|(n, v)| (n.as_str(), HeaderValue::Plain(v.as_str())))
            .collect();
        if !request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
        {
            headers.push(("accept", HeaderValue::Plain("application/json, */*;q=0.5")));
        }
        headers.extend(auth.iter().map(|(n, v)| (*n, HeaderValue::Secret(v))));
        let response = http
            .request(
                label,
                &request.method,
                url,
                &headers,
                request.body.as_ref(),
                request.limit,
            )
            .await?;
        let nonce = response.header("dpop-nonce").map(str::to_owned);
        if let (Some(dpop), Some(nonce)) = (presenter.dpop, &nonce) {
            dpop.nonces.remember(url, nonce);
        }
        if presenter.uses_dpop() && !retried && nonce.is_some() && super::asks_for_nonce(&response)
        {
            retried = true;
            continue;
        }
        return Ok(response);
    }
}
