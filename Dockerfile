# Multi-stage build: compile in the Rust image, run as a non-root user in a slim Debian image.
# The database and the issuer keys are volumes: keys never go into an image. fonts-noto-cjk
# gives printed labels (PNG, PDF) their Chinese text.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY templates ./templates
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/zerolabel zerolabel \
    && mkdir -p /var/lib/zerolabel/data /var/lib/zerolabel/keys \
    && chown -R zerolabel /var/lib/zerolabel \
    && chmod 700 /var/lib/zerolabel/keys
COPY --from=build /src/target/release/zerolabel /usr/local/bin/zerolabel
USER zerolabel
WORKDIR /var/lib/zerolabel
ENV ZEROLABEL_BIND=0.0.0.0:8080 \
    ZEROLABEL_DATABASE_URL=/var/lib/zerolabel/data/zerolabel.sqlite3 \
    ZEROLABEL_KEYS_DIR=/var/lib/zerolabel/keys
VOLUME ["/var/lib/zerolabel/data", "/var/lib/zerolabel/keys"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["zerolabel"]
CMD ["serve"]
