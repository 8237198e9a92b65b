"""Records that cross a boundary of muse, as pydantic models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProductRecord(BaseModel):
    """One catalog product after a domain adapter normalised it (before its image is fetched)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    product_id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1)
    main_category: str | None = None
    categories: list[str] = []
    features: list[str] = []
    description: list[str] = []
    store: str | None = None
    price: float | None = Field(None, ge=0)
    average_rating: float | None = Field(None, ge=0, le=5)
    rating_number: int | None = Field(None, ge=0)
    details: dict[str, str] = {}
    image_ref: str | None = None  # local path (relative to the catalog file) or http(s) URL

    def prompt_fields(self) -> dict:
        """What product skills see: the listing without ids, ratings or image locations."""
        return self.model_dump(include={"title", "categories", "features", "description", "store", "price", "details"})


class ImageBlob(BaseModel):
    """A validated image, ready to store."""

    data: bytes
    sha256: str
    mime: str
    width: int
    height: int
    source: str
