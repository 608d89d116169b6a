# Multi-stage build: compile in the Rust image, run as a non-root user in a slim Debian image.
# The database and the issuer keys are volumes: keys never go into an image. fonts-noto-cjk
# gives printed labels (PNG, PDF) their Chinese text.
FROM rust:1.95-slim-bookworm AS build
# libpq is built from source (pq-sys "bundled") and links OpenSSL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY templates ./templates
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libssl3 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/zerolabel zerolabel \
    && mkdir -p /var/lib/zerolabel/data /var/lib/zerolabel/keys \
    && chown -R zerolabel /var/lib/zerolabel \
    && chmod 700 /var/lib/zerolabel/keys
COPY --from=build /src/target/release/zerolabel /usr/local/bin/zerolabel
USER 10001
WORKDIR /var/lib/zerolabel
ENV ZEROLABEL_BIND=0.0.0.0:8080 \
    ZEROLABEL_DATABASE_URL=sqlite:///var/lib/zerolabel/data/zerolabel.sqlite3 \
    ZEROLABEL_KEYS_DIR=/var/lib/zerolabel/keys \
    ZEROLABEL_LOG_FORMAT=json
VOLUME ["/var/lib/zerolabel/data", "/var/lib/zerolabel/keys"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["zerolabel"]
CMD ["serve"]
