# Sohoa: one image for the web/API server (`sohoa serve`) and the workers (`sohoa worker`).
#   docker build -t sohoa .        docker compose up -d --scale worker=4   (see docker-compose.yml)
FROM python:3.11-slim-bookworm

# Tesseract with the Vietnamese model, pdftoppm (poppler) to rasterise PDFs, qpdf to join a book's PDF. tesserocr
# is compiled against Debian's libtesseract (the same engine as the program), hence its headers and a compiler.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie poppler-utils qpdf curl \
    libtesseract-dev libleptonica-dev pkg-config g++ \
 && rm -rf /var/lib/apt/lists/*

COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /uvx /usr/local/bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    OMP_THREAD_LIMIT=1 \
    SOHOA_HOME=/var/lib/sohoa

WORKDIR /app
# Dependencies first (cached while only the code changes), exactly as locked.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
# Only the packages: no local virtualenv, data or caches from the build context.
COPY domain ./domain
COPY ingest ./ingest
COPY ocr ./ocr
COPY storage ./storage
COPY index ./index
COPY workers ./workers
COPY office ./office
COPY api ./api
COPY samples ./samples
RUN uv sync --frozen --no-dev \
 && python -m index places-table

RUN useradd --system --create-home --home-dir /var/lib/sohoa sohoa
USER sohoa
# Two malloc arenas instead of glibc's 8 per core: the server's threadpool threads each grew their own and kept
# the memory (officer_load --quick: 298 → 214 MiB held after the load; docs/benchmarks.md, officer_load).
ENV MALLOC_ARENA_MAX=2
EXPOSE 8000
CMD ["sohoa", "serve", "--host", "0.0.0.0"]
