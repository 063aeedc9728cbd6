"""Real backing servers (Redis, PostgreSQL, Elasticsearch, MinIO) for the test suite.

The API lives in ``tests.servers.launch`` (imported lazily here so that
``python -m tests.servers.launch`` does not import the module twice).
See tests/servers/README.md.
"""

__all__ = [
    "ServerUnavailable",
    "ensure_all",
    "ensure_elasticsearch",
    "ensure_minio",
    "ensure_postgres",
    "ensure_redis",
    "pytest_env_or_fail",
]


def __getattr__(name: str):
    if name in __all__:
        from . import launch

        return getattr(launch, name)
    raise AttributeError(name)
