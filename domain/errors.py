"""Errors that carry their own meaning: a stable code, a message for people (Vietnamese), an exit code and an
HTTP status. One place in the CLI and one in the API turn them into output; nothing matches on message text."""
from __future__ import annotations

import errno

_OS_REASONS = {errno.ENOENT: "không có tệp hoặc thư mục này", errno.EACCES: "không có quyền truy cập",
               errno.EPERM: "không có quyền truy cập", errno.EROFS: "ổ đĩa chỉ đọc", errno.ENOSPC: "ổ đĩa đã đầy",
               errno.ENOTDIR: "một phần của đường dẫn không phải thư mục"}


def os_reason(exc: OSError) -> str:
    """Why the system refused a path, for people: the usual causes in Vietnamese, the system's words otherwise."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class SohoaError(Exception):
    code = "error"
    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InputRejected(SohoaError):
    """A file (or one page of it) cannot be taken in; the rest of the batch goes on."""

    code = "input_rejected"
    exit_code = 2
    http_status = 422


class PageFailed(SohoaError):
    """Processing one page failed; the page stays visible as failed with this reason and can be retried."""

    code = "page_failed"
    exit_code = 3
    http_status = 500


class OcrTimeout(PageFailed):
    code = "ocr_timeout"


class TransientBackendError(SohoaError):
    """A backend (object store, index, database) is briefly unreachable: retry with backoff."""

    code = "backend_unavailable"
    exit_code = 75  # EX_TEMPFAIL
    http_status = 503


class NotFound(SohoaError):
    code = "not_found"
    exit_code = 4
    http_status = 404


class ConfigError(SohoaError):
    code = "config"
    exit_code = 78  # EX_CONFIG
    http_status = 500


class InvalidRequest(SohoaError):
    """What someone asked for is malformed or not allowed in this state (an empty reason, a bad decision)."""

    code = "invalid"
    exit_code = 2
    http_status = 422


class Forbidden(SohoaError):
    code = "forbidden"
    exit_code = 77  # EX_NOPERM
    http_status = 403


class Conflict(SohoaError):
    code = "conflict"
    exit_code = 1
    http_status = 409
