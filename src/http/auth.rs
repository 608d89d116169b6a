//! Bearer-token sign-in as an extractor: a handler that takes [`SignedIn`] only runs for a live
//! token, and receives the account it belongs to.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::AppState;
use super::problem::ApiError;
use crate::workflow::{Actor, now_seconds, users};

/// The account a request is signed in as.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Actor);

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(request);
        let state = request.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token = token?;
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let actor = state
                .run(move |conn| users::authenticate(conn, &token, now_seconds()))
                .await?;
            actor.map(SignedIn).ok_or_else(|| {
                ApiError::Unauthorized("the bearer token is unknown, revoked or expired".into())
            })
        })
    }
}

fn bearer_token(request: &HttpRequest) -> Result<String, ApiError> {
    let missing = || ApiError::Unauthorized("sign in with `Authorization: Bearer <token>`".into());
    let value = request
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?;
    let text = value.to_str().map_err(|_| missing())?;
    let (scheme, token) = text.split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(missing());
    }
    Ok(token.trim().to_owned())
}
