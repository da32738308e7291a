"""The run configuration: one pydantic model, shared by the CLI, the config
file and the flow's parameters."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cleaners.boilerplate import load_pack
from cleaners.pipeline import DEFAULT_CHAIN, STEPS

# Documents per task: batches are cut near this length, none longer than 1.5
# times it (flows.batch.batches_of). Each task run costs Prefect CPU in the
# flow, in the server (states, logs) and in a process worker
# (shared/PREFECT.md), and each batch's statistics are sent to the flow and
# merged there: at 64 documents the server alone spent 1.3 s of CPU on a 5 MB
# corpus, at 256 half that. At 768, a 40 MB corpus makes 11 batches, a 5 MB
# one 3 (so two workers share it), and 40 MB took about 1 s less CPU than at
# 256 (docs/performance.md). Larger batches hold more text in memory (768
# news articles: about 6 MB), give coarser progress and a worse balance
# between workers near the end, and make a changed document re-clean more of
# the cache's documents.
DEFAULT_BATCH_SIZE = 768


class CleanConfig(BaseModel):
    """How to clean a corpus. Every field is also a flow parameter and a key
    of the `--config` TOML file."""

    model_config = ConfigDict(extra="forbid")

    src: Path = Field(description="folder of raw *.txt files to clean (never modified)")
    out: Path = Field(description="folder for the clean text, changelog.jsonl and manifest.json")
    steps: list[str] = Field(
        default=list(DEFAULT_CHAIN),
        description=f"cleaners to run, in order; any of: {', '.join(STEPS)}",
    )
    batch_size: int = Field(default=DEFAULT_BATCH_SIZE, ge=1, le=100_000, description="documents per task, on average: batches end at documents chosen by their ids, so "
        "a new document does not shift the others (flows/batch.py)")
    rule_packs: list[Path] = Field(
        default_factory=list, description="extra boilerplate rule packs (TOML) to use besides the built-in ones"
    )
    representatives_only: bool = Field(
        default=False,
        description="write only each near-duplicate cluster's representative as <id>.txt; the other members' "
        "clean text goes to near-duplicates/<id>.txt (still restorable) and the manifest says why",
    )

    parquet: bool = Field(
        default=False,
        description="also write corpus.parquet (needs pyarrow: pip install 'presswash[parquet]')",
    )
    cache: bool = Field(
        default=True,
        description="reuse the results of earlier runs for batches whose input, settings and corpus lookups are "
        "unchanged (flows/cache.py); the output is the same either way",
    )
    cache_dir: Path | None = Field(
        default=None, description="where the cache lives (default: $XDG_CACHE_HOME/presswash or ~/.cache/presswash)"
    )

    @field_validator("src")
    @classmethod
    def _src_is_folder(cls, src: Path) -> Path:
        if not src.is_dir():
            raise ValueError(f"{src} is not a folder: give the folder that holds the *.txt files")
        return src

    @field_validator("steps")
    @classmethod
    def _known_steps(cls, steps: list[str]) -> list[str]:
        unknown = [s for s in steps if s not in STEPS]
        if unknown:
            raise ValueError(f"unknown step {', '.join(unknown)}; choose from {', '.join(STEPS)}")
        if len(set(steps)) != len(steps):
            raise ValueError("a step is listed twice")
        return steps

    @field_validator("rule_packs")
    @classmethod
    def _packs_load(cls, packs: list[Path]) -> list[Path]:
        """Load each pack now, so a bad rule fails the run before any document is read."""
        for pack in packs:
            if not pack.is_file():
                raise ValueError(f"rule pack {pack} does not exist")
            load_pack(pack)
        return packs


    @field_validator("parquet")
    @classmethod
    def _pyarrow_installed(cls, parquet: bool) -> bool:
        if parquet and importlib.util.find_spec("pyarrow") is None:
            raise ValueError("writing corpus.parquet needs pyarrow: pip install 'presswash[parquet]'")
        return parquet


class ConfigError(ValueError):
    """The configuration is invalid; the message names the field."""


def make_config(config_file: Path | None = None, **fields) -> CleanConfig:
    """Validate a configuration from a TOML file and keyword overrides.

    Fields given as None are left to the file or the default.
    """
    values = {}
    if config_file is not None:
        try:
            values = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"config file {config_file}: {error}") from None
    values.update({k: v for k, v in fields.items() if v is not None})
    try:
        return CleanConfig.model_validate(values)
    except ValidationError as error:
        raise ConfigError(describe(error)) from None


def describe(error: ValidationError) -> str:
    """One line per problem, each naming its field."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in error.errors())
