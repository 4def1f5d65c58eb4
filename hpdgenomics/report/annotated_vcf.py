"""``--format vcf``: the input VCF back with INFO tags, as ``bcftools annotate`` or vcfanno would add them.

Every record is written (not only those in the rule genes), in its order, through cyvcf2, with four INFO keys
declared in the header (:data:`INFO_TAGS`). A record that matched rules carries one entry per matching finding in
each tag, in the same order: ``HPD_RULE`` (the rule id), ``HPD_CATEGORY`` (hpd_risk, targetable …), ``HPD_CLASS``
(the variant class the rules read: missense, nonsense, frameshift …) and ``HPD_ALLELE`` (the ALT the finding is
about, for multi-allelic records). A record is tied to its findings by chromosome, position, REF and ALT. A
bgzipped input gives a bgzipped output with a tabix index (a CSI index when the input had one); a plain input gives
plain text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hpdgenomics.errors import OutputError
from hpdgenomics.report.annotated_maf import annotated_name, input_of
from hpdgenomics.report.document import SampleReport

INFO_TAGS = {
    "HPD_RULE": "hpdgenomics rule matched by this record (one per finding)",
    "HPD_CATEGORY": "Category of each HPD_RULE finding (hpd_risk, ici_resistance, ici_benefit, targetable)",
    "HPD_CLASS": "Variant class the rules read for each HPD_RULE finding (missense, nonsense, frameshift ...)",
    "HPD_ALLELE": "ALT allele of each HPD_RULE finding",
}
Key = tuple[str, int, str, str]


def _key(chrom: str, pos: int, ref: str, alt: str) -> Key:
    return (chrom.removeprefix("chr"), int(pos), ref.upper(), alt.upper())


def _findings_by_record(reports: Sequence[SampleReport], file_name: str) -> dict[Key, list[Mapping[str, Any]]]:
    by_key: dict[Key, list[Mapping[str, Any]]] = {}
    for report in reports:
        for finding in report.findings:
            variant = finding.get("variant") or {}
            if not str(variant.get("source") or "").startswith(f"{file_name}:"):
                continue
            key = _key(str(variant["chrom"]), int(variant["pos"]), str(variant.get("ref") or ""),
                       str(variant.get("alt") or ""))
            by_key.setdefault(key, []).append(finding)
    return by_key


def _cell(value: Any) -> str:
    """An INFO list entry: no separator of the VCF inside it."""
    text = str(value or ".")
    return "".join("_" if c in ",;=\t\n\r " else c for c in text)


def render_annotated_vcf(reports: Sequence[SampleReport], path: Path) -> dict[str, bytes]:
    """File name suffix ('' for the VCF, '.tbi'/'.csi' for its index) → bytes of the annotated copy of ``path``."""
    from cyvcf2 import VCF, Writer

    by_key = _findings_by_record(reports, path.name)
    with path.open("rb") as probe:
        bgzipped = probe.read(2) == b"\x1f\x8b"
    index = ".csi" if Path(f"{path}.csi").exists() else ".tbi"
    with tempfile.TemporaryDirectory(prefix=".hpd-vcf-") as folder:
        target = Path(folder) / ("out.vcf.gz" if bgzipped else "out.vcf")
        reader = VCF(str(path), lazy=True)
        try:
            for tag, description in INFO_TAGS.items():
                if tag in reader:  # type: ignore[operator]
                    raise OutputError(f"{path} already declares INFO {tag} (an annotated VCF?): annotate the "
                                      "original VCF")
                reader.add_info_to_header({"ID": tag, "Number": ".", "Type": "String", "Description": description})
            writer = Writer(str(target), reader, mode="wz" if bgzipped else "w")
            try:
                for record in reader:
                    matched = [(alt, f) for alt in record.ALT
                               for f in by_key.get(_key(record.CHROM, record.POS, record.REF, alt), ())]
                    if matched:
                        record.INFO["HPD_RULE"] = ",".join(_cell(f["rule_id"]) for _, f in matched)
                        record.INFO["HPD_CATEGORY"] = ",".join(_cell(f["category"]) for _, f in matched)
                        record.INFO["HPD_CLASS"] = ",".join(
                            _cell((f.get("variant") or {}).get("consequence_class")) for _, f in matched)
                        record.INFO["HPD_ALLELE"] = ",".join(_cell(alt) for alt, _ in matched)
                    writer.write_record(record)
            finally:
                writer.close()
        finally:
            reader.close()
        files = {"": target.read_bytes()}
        if bgzipped:
            files[index] = _index(target, index)
    return files


def _index(target: Path, suffix: str) -> bytes:
    """A tabix (or CSI) index of the bgzipped VCF at ``target``."""
    import pysam

    try:
        pysam.tabix_index(str(target), preset="vcf", force=True, csi=suffix == ".csi")
    except (OSError, ValueError) as exc:  # an unsorted input cannot be indexed
        raise OutputError(f"cannot index the annotated VCF: {exc}") from exc
    return Path(f"{target}{suffix}").read_bytes()


def annotated_vcf_files(reports: Sequence[SampleReport], out_dir: Path) -> dict[Path, bytes]:
    """``--format vcf``: the annotated VCF (and its index) for the input the reports came from."""
    path = input_of(reports, "vcf")
    name = annotated_name(path, "vcf")
    return {out_dir / f"{name}{suffix}": data for suffix, data in render_annotated_vcf(reports, path).items()}
