"""What every response model shares."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    """A success body. A key the model does not name fails the response (a 500 in tests) instead of vanishing
    silently from what clients receive; the OpenAPI document says the same (additionalProperties: false)."""

    model_config = ConfigDict(extra="forbid")


# As the database gives it (``datetime.isoformat()``), passed through unchanged: a datetime field would rewrite it.
Timestamp = Annotated[str, Field(description="Thời điểm, ISO 8601 (UTC)")]
