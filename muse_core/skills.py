"""Named, versioned prompt templates ("skills"), one TOML file each in muse_core/skills/.

A skill file holds `name`, `version`, `role` (which configured model plays it), and Jinja2
templates `system` and `user` rendered from the call's structured inputs. Bump `version`
whenever the wording changes: the version is part of every cache key.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2

# package data of muse_core, found wherever muse is installed (wheel or editable checkout) and read
# through the Traversable API (joinpath, is_file, iterdir, read_text)
SKILLS_DIR: Traversable = files("muse_core") / "skills"
_jinja = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False)


class SkillError(LookupError):
    """A skill is missing or malformed."""


@dataclass(frozen=True)
class OfflineRule:
    """How the rule-based offline engine answers one skill: `answer(inputs, images, rng, options)`
    returns the answer (a dict for a structured skill, else text); `images` are the engine's facts
    about each attached photo, `options` the `[offline]` settings. Registered by plugins that add
    skills (hook muse_offline_rules), so a run with no model plays them too."""

    name: str  # the skill
    answer: Callable[[dict[str, Any], list[Any], random.Random, Any], dict[str, Any] | str]


@dataclass(frozen=True)
class Skill:
    name: str
    version: int
    role: str
    system: str
    user: str
    path: Path | Traversable  # a domain's override file, or a built-in's package resource

    @cached_property
    def _templates(self) -> tuple[jinja2.Template, jinja2.Template]:
        return _jinja.from_string(self.system), _jinja.from_string(self.user)  # compiled once per skill

    def render(self, inputs: dict[str, Any]) -> tuple[str, str]:
        system, user = self._templates
        try:
            return system.render(**inputs).strip(), user.render(**inputs).strip()
        except jinja2.UndefinedError as exc:
            raise SkillError(f"skill '{self.name}' v{self.version} needs an input that was not given: {exc}") from exc


@lru_cache(maxsize=None)
def load_skill(name: str, search_dirs: tuple[Path, ...] = ()) -> Skill:
    """Find `<name>.toml` in the given directories (a domain's overrides first), then the built-ins."""
    for folder in (*(Path(d) for d in search_dirs), SKILLS_DIR):
        path = folder / f"{name}.toml"
        if path.is_file():
            break
    else:
        known = sorted(p.name.removesuffix(".toml") for p in SKILLS_DIR.iterdir() if p.name.endswith(".toml"))
        raise SkillError(f"no skill named '{name}'; built-in skills: {', '.join(known)}")
    data = tomllib.loads(path.read_text())
    missing = {"name", "version", "role", "system", "user"} - data.keys()
    if missing:
        raise SkillError(f"{path} lacks {', '.join(sorted(missing))}")
    if data["name"] != name:
        raise SkillError(f"{path} declares name '{data['name']}', expected '{name}'")
    return Skill(data["name"], int(data["version"]), data["role"], data["system"], data["user"], path)
