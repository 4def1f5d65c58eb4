"""Copy-number thresholds: defaults with their named sources, overridable globally and per gene.

Defaults (see ``docs/copy_number.md`` and ``../shared/knowledge`` §2, from which every sourced number here is taken):

* ``log2_cutoffs`` = (-1.1, -0.25, 0.2, 0.7): CNVkit ``call -m threshold`` defaults. A segment's (purity-rescaled)
  log2 ratio at or below the first gives 0 copies (deep deletion), the second 1 copy (loss), the third 2 (neutral),
  the fourth 3 (gain); above the last the copy number is the ploidy times 2^log2.
* ``amplification_rule`` = ``absolute``: a gene is *amplified* at an absolute (purity-adjusted) copy number of at
  least ``amplification_cn`` = 6, the PureCN ``callAlterations`` focal-amplification default and the aCGH
  guideline's focal amplification; the knowledge file records it as the curator's choice, not a consensus. The
  ploidy-relative forms are ``pcgr`` (total copy number >= 2.5 x ploidy) and ``hartwig`` (the gene's minimum copy
  number > 3 x ploidy, PURPLE/ORANGE); both are **unverified** (not in the knowledge file; taken from the issue).
  Between the gain cut-off and the amplification rule a segment is a *gain*, never an amplification.
* ``deep_deletion_cn`` = 0.5: absolute copy number below which a gene is deeply (homozygously) deleted when the
  input gives copy numbers rather than log2 ratios (PureCN ``callAlterations`` loss cut-off).
* ``focal_max_bp`` = 10,000,000: a segment no longer than this is *focal* (aCGH guideline: focal amplicon <= 10 Mb).
  Focality is reported; it does not change the state.
* ``min_markers`` = 5 and ``min_bases`` = 10,000: a log-ratio segment with fewer markers (probes, bins) or fewer
  bases cannot call an amplification or a deep deletion (array noise: TCGA Firehose has 2-probe, 79-bp "MDM2
  amplifications"); the curator's choice, no source. Segments whose caller fitted absolute copy numbers are exempt.
* ``amplification_min_gene_fraction`` = 0.5: the amplified segments must cover at least half of the gene's span
  (gene body, not any base); the curator's choice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hpdgenomics.errors import OptionError

AMPLIFICATION_RULES: dict[str, str] = {
    "absolute": "absolute copy number >= amplification_cn (default 6): PureCN callAlterations focal amplification "
                "default (cutoffs 0.5, 6, 7) and the aCGH interpretation guideline (focal amplification CN >= 6, "
                "PMC4830395 Table 2); curator's choice",
    "pcgr": "total copy number >= 2.5 x ploidy (PCGR); unverified: not in the knowledge file",
    "hartwig": "the gene's minimum copy number > 3 x ploidy (Hartwig PURPLE/ORANGE); unverified: not in the "
               "knowledge file",
}
SOURCES: dict[str, str] = {
    "log2_cutoffs": "CNVkit call, method threshold, default -t (etal/cnvkit cnvlib/call.py)",
    "amplification_cn": AMPLIFICATION_RULES["absolute"],
    "deep_deletion_cn": "PureCN callAlterations loss cut-off (copy number < 0.5)",
    "focal_max_bp": "aCGH interpretation guideline: focal amplicon <= 10 Mb (PMC4830395 Table 2)",
    "min_markers": "curator's choice (no source): fewer markers cannot call an amplification or deep deletion from "
                   "a log ratio",
    "min_bases": "curator's choice (no source): shorter segments cannot call an amplification or deep deletion "
                 "from a log ratio",
    "amplification_min_gene_fraction": "curator's choice (no source): share of the gene span the amplified "
                                       "segments must cover",
    "purity_formula": "CNVkit call purity rescaling: n = (r * 2^v - x * (1 - p)) / p",
}


@dataclass(frozen=True, slots=True)
class CopyNumberThresholds:
    """The cut-offs that turn a log2 ratio or a copy number into a state."""

    log2_cutoffs: tuple[float, float, float, float] = (-1.1, -0.25, 0.2, 0.7)
    amplification_cn: float = 6.0
    deep_deletion_cn: float = 0.5
    focal_max_bp: int = 10_000_000
    amplification_rule: str = "absolute"
    min_markers: int = 5
    min_bases: int = 10_000
    amplification_min_gene_fraction: float = 0.5

    def __post_init__(self) -> None:
        cutoffs = self.log2_cutoffs
        if len(cutoffs) != 4 or any(not _is_number(c) for c in cutoffs) or list(cutoffs) != sorted(cutoffs):
            raise OptionError(f"log2 cut-offs must be four increasing numbers, got {list(cutoffs)}")
        for name in ("amplification_cn", "deep_deletion_cn", "amplification_min_gene_fraction"):
            if not _is_number(getattr(self, name)):
                raise OptionError(f"{name} must be a finite number, got {getattr(self, name)!r}")
        for name in ("focal_max_bp", "min_markers", "min_bases"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise OptionError(f"{name} must be a whole number of at least 0, got {value!r}")
        if not self.amplification_cn > 0:
            raise OptionError(f"the amplification copy number must be positive, got {self.amplification_cn}")
        if not 0 <= self.deep_deletion_cn < self.amplification_cn:
            raise OptionError(f"the deep-deletion copy number must lie in [0, {self.amplification_cn}), "
                              f"got {self.deep_deletion_cn}")
        if self.focal_max_bp <= 0:
            raise OptionError(f"the focal limit must be a positive number of bases, got {self.focal_max_bp}")
        if self.amplification_rule not in AMPLIFICATION_RULES:
            raise OptionError(f"amplification_rule must be one of {', '.join(AMPLIFICATION_RULES)}, "
                              f"got {self.amplification_rule!r}")
        if not 0 <= self.amplification_min_gene_fraction <= 1:
            raise OptionError("amplification_min_gene_fraction must lie in [0, 1], got "
                              f"{self.amplification_min_gene_fraction}")

    def amplification_limit(self, ploidy: float) -> float:
        """The copy number an amplification must reach (``absolute``, ``pcgr``) or exceed (``hartwig``)."""
        if self.amplification_rule == "pcgr":
            return 2.5 * ploidy
        if self.amplification_rule == "hartwig":
            return 3.0 * ploidy
        return self.amplification_cn

    def is_amplified(self, copy_number: float, ploidy: float, tolerance: float = 1e-9) -> bool:
        limit = self.amplification_limit(ploidy)
        if self.amplification_rule == "hartwig":
            return copy_number > limit + tolerance
        return copy_number >= limit - tolerance

    def describe_amplification(self, ploidy: float) -> str:
        """The rule in words with the number it gives at this ploidy, e.g. "copy number > 3 x ploidy 3.1 = 9.3"."""
        limit = self.amplification_limit(ploidy)
        if self.amplification_rule == "pcgr":
            return f"total copy number >= 2.5 x ploidy {ploidy:g} = {limit:g} (PCGR)"
        if self.amplification_rule == "hartwig":
            return f"minimum copy number over the gene > 3 x ploidy {ploidy:g} = {limit:g} (Hartwig PURPLE/ORANGE)"
        return f"absolute copy number >= {limit:g}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "log2_cutoffs": list(self.log2_cutoffs),
            "amplification_cn": self.amplification_cn,
            "deep_deletion_cn": self.deep_deletion_cn,
            "focal_max_bp": self.focal_max_bp,
            "amplification_rule": self.amplification_rule,
            "min_markers": self.min_markers,
            "min_bases": self.min_bases,
            "amplification_min_gene_fraction": self.amplification_min_gene_fraction,
        }


def _is_number(value: Any) -> bool:
    """A real, finite number; a boolean is not one (YAML ``true`` must not read as 1)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class ThresholdSet:
    """Global thresholds plus per-gene overrides (e.g. a stricter amplification cut-off for one gene)."""

    default: CopyNumberThresholds = field(default_factory=CopyNumberThresholds)
    genes: Mapping[str, CopyNumberThresholds] = field(default_factory=dict)
    source: str = "defaults"

    def for_gene(self, gene: str) -> CopyNumberThresholds:
        return self.genes.get(gene, self.default)

    def to_dict(self) -> dict[str, Any]:
        rule = self.default.amplification_rule
        return {
            "source": self.source,
            "default": self.default.to_dict(),
            "genes": {gene: t.to_dict() for gene, t in sorted(self.genes.items())},
            "amplification_rule": {"name": rule, "source": AMPLIFICATION_RULES[rule]},
            "sources": dict(SOURCES),
        }

    def with_default(self, **changes: Any) -> ThresholdSet:
        """A copy whose default (and every per-gene value not set explicitly for that gene) takes ``changes``."""
        if not changes:
            return self
        return ThresholdSet(replace(self.default, **changes), self.genes, self.source)


_KEYS = {f.name for f in fields(CopyNumberThresholds)}
_WHOLE = {"focal_max_bp", "min_markers", "min_bases"}


def load_thresholds(path: str | Path | None, **global_overrides: Any) -> ThresholdSet:
    """Read a thresholds YAML file (``default:`` and ``genes: {SYMBOL: {...}}``), then apply ``global_overrides``.

    Per-gene entries start from the (overridden) default and change only the keys they name. Unknown keys, a gene
    symbol that is in neither build's gene table, a boolean, a non-finite or a non-numeric value are errors, so a
    typo cannot silently leave a default in place.
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
    default = _made(path, "default", {**_checked(path, "default", data.get("default") or {}), **overrides})
    genes_data = data.get("genes") or {}
    if not isinstance(genes_data, dict):
        raise OptionError(f"{path}: genes must be a mapping of gene symbols to thresholds")
    _known_genes(path, genes_data)
    genes = {str(gene): _made(path, f"genes.{gene}", _checked(path, f"genes.{gene}", values or {}), default)
             for gene, values in genes_data.items()}
    return ThresholdSet(default, genes, str(path))


def _made(path: str | Path, where: str, values: dict[str, Any],
          base: CopyNumberThresholds | None = None) -> CopyNumberThresholds:
    try:
        return replace(base, **values) if base is not None else CopyNumberThresholds(**values)
    except OptionError as exc:
        raise OptionError(f"{path}: {where}: {exc}") from exc


def _known_genes(path: str | Path, genes: dict[Any, Any]) -> None:
    from hpdgenomics.genome.reference import load_genes

    tables = [load_genes("GRCh38"), load_genes("GRCh37")]
    unknown = [str(g) for g in genes if all(table.get(str(g)) is None for table in tables)]
    if unknown:
        raise OptionError(f"{path}: genes has unknown gene symbol(s) {', '.join(sorted(unknown))} (not in the "
                          "bundled GRCh37/GRCh38 gene tables; use the HGNC symbol, e.g. MDM2)")


def _checked(path: str | Path, where: str, values: Any) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise OptionError(f"{path}: {where} must be a mapping of threshold names to numbers")
    unknown = set(values) - _KEYS
    if unknown:
        raise OptionError(f"{path}: {where} has unknown key(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(_KEYS))}")
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key == "amplification_rule":
            if not isinstance(value, str):
                raise OptionError(f"{path}: {where}.{key} must be one of {', '.join(AMPLIFICATION_RULES)}")
            checked[key] = value
            continue
        items = value if key == "log2_cutoffs" and isinstance(value, list) else [value]
        if key == "log2_cutoffs" and not isinstance(value, list):
            raise OptionError(f"{path}: {where}.{key} must be a list of four numbers, got {value!r}")
        for item in items:
            if not _is_number(item):
                what = "a boolean is not a number" if isinstance(item, bool) else "must be a finite number"
                raise OptionError(f"{path}: {where}.{key}: {what}, got {item!r}")
            if key in _WHOLE and float(item) != int(item):
                raise OptionError(f"{path}: {where}.{key} must be a whole number, got {item!r}")
        if key == "log2_cutoffs":
            checked[key] = tuple(float(x) for x in items)
        elif key in _WHOLE:
            checked[key] = int(value)
        else:
            checked[key] = float(value)
    return checked
