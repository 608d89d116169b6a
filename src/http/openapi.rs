//! The OpenAPI 3.1 description of the HTTP surface, generated from the handlers' own
//! `#[utoipa::path]` annotations, served at `/api/v1/openapi.json` with a browsable UI under
//! `/api/docs` (Swagger UI, bundled into the binary so that it works offline).

use actix_web::http::header;
use actix_web::{HttpResponse, middleware, web};
use serde::Serialize;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Object, Ref, Required, ResponseBuilder, ResponsesBuilder, Type};
use utoipa::{Modify, OpenApi, ToResponse, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use super::{allow, get_or_head};

/// An RFC 9457 problem, as every error of the service is answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[schema(example = "https://zerolabel.example/problems/invalid-input")]
    r#type: String,
    /// The kind of problem in a few words.
    title: String,
    /// The HTTP status.
    #[schema(example = 422)]
    status: u16,
    /// What went wrong with this request.
    detail: String,
    /// For input errors: each broken rule, with the field it concerns.
    errors: Option<Vec<FieldProblem>>,
}

/// One broken rule of a request body.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Path of the field, e.g. `activity.area_ha` or `co_products[0].kg`.
    #[schema(example = "area_ha")]
    field: String,
    /// Stable snake_case code from methodology.md section 7.
    #[schema(example = "missing_field")]
    code: String,
    /// What to fix, in a sentence.
    message: String,
}

/// 400: unparseable JSON, a malformed id or query parameter.
#[derive(ToResponse)]
#[response(
    description = "Malformed request: unparseable JSON, a malformed id or parameter",
    content_type = "application/problem+json"
)]
pub struct BadRequest(#[to_schema] pub Problem);

/// 401: no token, or one that is unknown, revoked or expired.
#[derive(ToResponse)]
#[response(
    description = "Missing or bad bearer token",
    content_type = "application/problem+json"
)]
pub struct Unauthorized(#[to_schema] pub Problem);

/// 403: the token's role may not do this.
#[derive(ToResponse)]
#[response(
    description = "The role may not do this, or the data belongs to another farm",
    content_type = "application/problem+json"
)]
pub struct Forbidden(#[to_schema] pub Problem);

/// 404: nothing with that id (or not visible to this account).
#[derive(ToResponse)]
#[response(
    description = "No such resource",
    content_type = "application/problem+json"
)]
pub struct NotFound(#[to_schema] pub Problem);

/// 409: the step is not allowed in the current state.
#[derive(ToResponse)]
#[response(
    description = "Not allowed in the current state",
    content_type = "application/problem+json"
)]
pub struct Conflict(#[to_schema] pub Problem);

/// 413: body over the limit.
#[derive(ToResponse)]
#[response(
    description = "Body over the size limit",
    content_type = "application/problem+json"
)]
pub struct PayloadTooLarge(#[to_schema] pub Problem);

/// 415: the body is not `application/json`.
#[derive(ToResponse)]
#[response(
    description = "The body is not application/json",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(#[to_schema] pub Problem);

/// 422: the body parses but breaks rules; every broken rule is listed.
#[derive(ToResponse)]
#[response(
    description = "Rules broken; every error is listed with its field and code",
    content_type = "application/problem+json"
)]
pub struct UnprocessableEntity(#[to_schema] pub Problem);

/// 503: no usable signing key or database.
#[derive(ToResponse)]
#[response(
    description = "The service cannot do this now (no usable key or database)",
    content_type = "application/problem+json"
)]
pub struct ServiceUnavailable(#[to_schema] pub Problem);

/// Declares the bearer token scheme the signed-in endpoints name.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Adds the drawings of a certificate (QR codes, labels, sheets) from the table the routes are
/// made from, so that the document lists exactly the files that are served.
struct Drawings;

impl Modify for Drawings {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (file, what, media_type) in super::labels::DRAWINGS {
            let path = format!("/api/v1/certificates/{{id}}/{file}");
            let operation = drawing_operation(file, what, media_type);
            openapi
                .paths
                .add_path_operation(path, vec![HttpMethod::Get], operation);
        }
    }
}

fn drawing_operation(file: &str, what: &str, media_type: &str) -> Operation {
    let served = ResponseBuilder::new()
        .description(format!("{what} ({media_type}); immutable, with an ETag"))
        .content(media_type, Content::new(Some(Object::new())))
        .build();
    let mut parameters = vec![
        ParameterBuilder::new()
            .name("id")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("Certificate id: UUID or 26-character code"))
            .schema(Some(Object::with_type(Type::String)))
            .build(),
        query_parameter(
            "link",
            "short (default) or gs1: the URL the QR code carries",
        ),
    ];
    match file {
        "qr.png" => parameters.push(query_parameter("px", "Pixels per module, 1 to 40")),
        "labels.pdf" => parameters.push(query_parameter("count", "Labels on the sheet")),
        _ => {}
    }
    OperationBuilder::new()
        .tag("certificates")
        .summary(Some(what))
        .operation_id(Some(format!("drawing_{}", file.replace('.', "_"))))
        .parameters(Some(parameters))
        .responses(
            ResponsesBuilder::new()
                .response("200", served)
                .response(
                    "304",
                    ResponseBuilder::new()
                        .description("Not modified (If-None-Match)")
                        .build(),
                )
                .response("400", Ref::from_response_name("BadRequest"))
                .response("404", Ref::from_response_name("NotFound"))
                .response("503", Ref::from_response_name("ServiceUnavailable"))
                .build(),
        )
        .build()
}

fn query_parameter(name: &str, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(Object::with_type(Type::String)))
        .build()
}

/// The whole document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "zerolabel",
        description = "Signed zero-carbon labels for farm produce: footprints under a cited \
                       method, auditor approval, W3C Verifiable Credentials, a buyer's \
                       verification page and a transparency log.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    paths(
        super::footprints::calculate,
        super::methodology::document,
        super::identity::did_document,
        super::transparency::status_list,
        super::transparency::checkpoint,
        super::transparency::inclusion,
        super::transparency::consistency,
        super::transparency::entries,
        super::operations::healthz,
        super::operations::readyz,
        super::operations::metrics,
        super::applications::create,
        super::applications::list,
        super::applications::show,
        super::applications::update,
        super::applications::history,
        super::applications::revise,
        super::applications::submit,
        super::applications::approve,
        super::applications::reject,
        super::accounts::list_farms,
        super::accounts::add_farm,
        super::accounts::add_member,
        super::accounts::list_users,
        super::accounts::add_user,
        super::accounts::issue_token,
        super::accounts::list_tokens,
        super::accounts::revoke_token,
        super::evidence::upload,
        super::evidence::list,
        super::evidence::download,
        super::certificates::show,
        super::certificates::revoke,
        super::certificates::verify_document,
        super::verification::verify,
    ),
    components(
        schemas(Problem, FieldProblem),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            UnprocessableEntity,
            ServiceUnavailable
        )
    ),
    modifiers(&BearerToken, &Drawings)
)]
pub struct ApiDoc;

/// `/api/v1/openapi.json` and the UI under `/api/docs/`.
///
/// The UI is the one place that runs scripts, its own bundled ones: its responses carry a
/// content security policy that allows them (set here, so the stricter default of
/// [`super::security_headers`] does not replace it).
pub fn routes(cfg: &mut web::ServiceConfig) {
    let ui_policy = middleware::DefaultHeaders::new().add((
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    ));
    cfg.service(
        web::resource("/api/v1/openapi.json")
            .route(get_or_head().to(document))
            .default_service(allow("GET, HEAD")),
    )
    .service(web::redirect("/api/docs", "/api/docs/"))
    .service(
        web::scope("/api/docs")
            .wrap(ui_policy)
            .service(SwaggerUi::new("/{_:.*}").url("/api/v1/openapi.json", ApiDoc::openapi())),
    );
}

async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
