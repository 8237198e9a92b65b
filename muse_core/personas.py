"""Personas: the basic user information of a profile (name, gender, age, profession).

The domain's sampler draws them; persona k of a profile set is drawn from
rng(run seed, "persona", k), so a resumed run draws the same people.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, Field, model_validator


class Persona(BaseModel):
    name: str = Field(min_length=1)
    gender: str = Field(pattern="^(male|female|unspecified)$")
    age: int = Field(ge=5, le=70)
    profession: str | None = None

    @model_validator(mode="after")
    def _no_job_for_children(self) -> Persona:
        if self.age <= 15 and self.profession is not None:
            raise ValueError("a persona aged 15 or younger has no profession")
        return self

    def describe(self) -> str:
        """The 'basic user profile' line of the paper's prompts."""
        return f"Name: {self.name}, Gender: {self.gender}, Age: {self.age}, Profession: {self.profession or 'none'}"

    @classmethod
    def of_user(cls, row: dict) -> Persona:
        """The persona of a `users` row (name, gender, age, profession)."""
        return cls(name=row["name"], gender=row["gender"], age=row["age"], profession=row["profession"])

    def user_id(self, profile_set: str, k: int) -> str:
        return "u-" + hashlib.sha256(f"{profile_set}:{k}:{self.name}".encode()).hexdigest()[:12]
