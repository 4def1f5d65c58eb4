"""Copy-number thresholds: defaults with their named sources, overridable globally and per gene.

Defaults (see ``docs/copy_number.md`` and ``../shared/knowledge`` §2, from which every number here is taken):

* ``log2_cutoffs`` = (-1.1, -0.25, 0.2, 0.7): CNVkit ``call -m threshold`` defaults. A segment's (purity-rescaled)
  log2 ratio at or below the first gives 0 copies (deep deletion), the second 1 copy (loss), the third 2 (neutral),
  the fourth 3 (gain); above the last the copy number is the ploidy times 2^log2.
* ``amplification_cn`` = 6: absolute (purity-adjusted) copy number at or above which a gene is *amplified*. This is
  the PureCN ``callAlterations`` focal-amplification default and the aCGH guideline's focal amplification; the
  knowledge file records it as the curator's choice, not a consensus. Between the gain cut-off and this value a
  segment is a *gain*, never an amplification (a gain is never reported as hyperprogression risk).
* ``deep_deletion_cn`` = 0.5: absolute copy number below which a gene is deeply (homozygously) deleted when the
  input gives copy numbers rather than log2 ratios (PureCN ``callAlterations`` loss cut-off).
* ``focal_max_bp`` = 10,000,000: a segment no longer than this is *focal* (aCGH guideline: focal amplicon ≤ 10 Mb).
  Focality is reported; it does not change the state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hpdgenomics.errors import OptionError

SOURCES: dict[str, str] = {
    "log2_cutoffs": "CNVkit call, method threshold, default -t (etal/cnvkit cnvlib/call.py)",
    "amplification_cn": "PureCN callAlterations focal amplification default (cutoffs 0.5, 6, 7) and the aCGH "
                        "interpretation guideline (focal amplification CN >= 6, PMC4830395 Table 2); curator's choice",
    "deep_deletion_cn": "PureCN callAlterations loss cut-off (copy number < 0.5)",
    "focal_max_bp": "aCGH interpretation guideline: focal amplicon <= 10 Mb (PMC4830395 Table 2)",
    "purity_formula": "CNVkit call purity rescaling: n = (r * 2^v - x * (1 - p)) / p",
}


@dataclass(frozen=True, slots=True)
class CopyNumberThresholds:
    """The cut-offs that turn a log2 ratio or a copy number into a state."""

    log2_cutoffs: tuple[float, float, float, float] = (-1.1, -0.25, 0.2, 0.7)
    amplification_cn: float = 6.0
    deep_deletion_cn: float = 0.5
    focal_max_bp: int = 10_000_000

    def __post_init__(self) -> None:
        cutoffs = self.log2_cutoffs
        if len(cutoffs) != 4 or any(not math.isfinite(c) for c in cutoffs) or list(cutoffs) != sorted(cutoffs):
            raise OptionError(f"log2 cut-offs must be four increasing numbers, got {list(cutoffs)}")
        if not self.amplification_cn > 0:
            raise OptionError(f"the amplification copy number must be positive, got {self.amplification_cn}")
        if not 0 <= self.deep_deletion_cn < self.amplification_cn:
            raise OptionError(f"the deep-deletion copy number must lie in [0, {self.amplification_cn}), "
                              f"got {self.deep_deletion_cn}")
        if self.focal_max_bp <= 0:
            raise OptionError(f"the focal limit must be a positive number of bases, got {self.focal_max_bp}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "log2_cutoffs": list(self.log2_cutoffs),
            "amplification_cn": self.amplification_cn,
            "deep_deletion_cn": self.deep_deletion_cn,
            "focal_max_bp": self.focal_max_bp,
        }


@dataclass(frozen=True)
class ThresholdSet:
    """Global thresholds plus per-gene overrides (e.g. a stricter amplification cut-off for one gene)."""

    default: CopyNumberThresholds = field(default_factory=CopyNumberThresholds)
    genes: Mapping[str, CopyNumberThresholds] = field(default_factory=dict)
    source: str = "defaults"

    def for_gene(self, gene: str) -> CopyNumberThresholds:
        return self.genes.get(gene, self.default)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "default": self.default.to_dict(),
            "genes": {gene: t.to_dict() for gene, t in sorted(self.genes.items())},
            "sources": dict(SOURCES),
        }

    def with_default(self, **changes: Any) -> ThresholdSet:
        """A copy whose default (and every per-gene value not set explicitly for that gene) takes ``changes``."""
        if not changes:
            return self
        return ThresholdSet(replace(self.default, **changes), self.genes, self.source)


_KEYS = {f.name for f in fields(CopyNumberThresholds)}


def load_thresholds(path: str | Path | None, **global_overrides: Any) -> ThresholdSet:
    """Read a thresholds YAML file (``default:`` and ``genes: {SYMBOL: {...}}``), then apply ``global_overrides``.

    Per-gene entries start from the (overridden) default and change only the keys they name. Unknown keys are an
    error, so a typo cannot silently leave a default in place.
    """
    overrides = {k: v for k, v in global_overrides.items() if v is not None}
    if "log2_cutoffs" in overrides:
        overrides["log2_cutoffs"] = tuple(float(x) for x in overrides["log2_cutoffs"])
    if path is None:
        return ThresholdSet(CopyNumberThresholds(**overrides), {}, "defaults" + (" with options" if overrides else ""))
    import yaml  # only this path needs it

    from hpdgenomics.readers.safe_yaml import load_yaml

    try:
        data = load_yaml(Path(path).read_bytes()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise OptionError(f"cannot read copy-number thresholds {path}: {exc}") from exc
    if not isinstance(data, dict) or not set(data) <= {"default", "genes"} \
            or not isinstance(data.get("genes") or {}, dict):  # found by fuzzing: 'genes: MDM2' crashed
        raise OptionError(f"{path}: expected a mapping with 'default' and/or 'genes' (genes: a mapping of genes)")
    default = CopyNumberThresholds(**{**_checked(path, "default", data.get("default") or {}), **overrides})
    genes = {
        str(gene): replace(default, **_checked(path, f"genes.{gene}", values or {}))
        for gene, values in (data.get("genes") or {}).items()
    }
    return ThresholdSet(default, genes, str(path))


def _checked(path: str | Path, where: str, values: Any) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise OptionError(f"{path}: {where} must be a mapping of threshold names to numbers")
    unknown = set(values) - _KEYS
    if unknown:
        raise OptionError(f"{path}: {where} has unknown key(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(_KEYS))}")
    checked: dict[str, Any] = {}
    for key, value in values.items():
        try:
            if key == "log2_cutoffs":
                checked[key] = tuple(float(x) for x in value)
            elif key == "focal_max_bp":
                checked[key] = int(value)
            else:
                checked[key] = float(value)
        except (TypeError, ValueError) as exc:
            raise OptionError(f"{path}: {where}.{key} must be numeric, got {value!r}") from exc
    return checked
