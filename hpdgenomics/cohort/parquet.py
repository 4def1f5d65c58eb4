"""``cohort.parquet``: the cohort as one columnar table (one row per sample), for duckdb, polars or pandas.

Scalar columns repeat ``cohort.tsv`` (lists as ``list<string>``); ``findings`` and ``not_assessed`` are lists of
structs holding every finding and every not-assessed class of the sample. The run's provenance (tool, rules, inputs,
parameters, notes) is the JSON text of the schema metadata key ``hpdgenomics``, beside ``hpdgenomics_schema_version``.
The layout is documented in docs/cohort.md; :data:`SCHEMA` is the contract and tests check a written file against it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from hpdgenomics.cohort.summary import SampleSummary

PARQUET_SCHEMA_VERSION = "1.0"
_TEXTS = pa.list_(pa.string())
FINDING = pa.struct([
    ("rule_id", pa.string()), ("category", pa.string()), ("gene", pa.string()), ("alteration", pa.string()),
    ("alteration_type", pa.string()), ("strength", pa.string()), ("therapy_level", pa.string()),
    ("variant_source", pa.string()),
])
GAP = pa.struct([("gene", pa.string()), ("alteration_class", pa.string()), ("reason", pa.string()),
                 ("rule_ids", _TEXTS)])
SCHEMA = pa.schema([
    pa.field("sample", pa.string(), nullable=False),
    pa.field("tumour_type", pa.string()),
    pa.field("hpd_risk_level", pa.dictionary(pa.int8(), pa.string()), nullable=False),
    pa.field("hpd_events", _TEXTS),
    pa.field("hpd_rules", _TEXTS),
    pa.field("hpd_rules_not_assessed", _TEXTS),
    pa.field("targetable_findings", pa.int32()),
    pa.field("targetable_genes", _TEXTS),
    pa.field("ici_benefit", _TEXTS),
    pa.field("ici_resistance", _TEXTS),
    pa.field("key_events_not_assessed", _TEXTS),
    pa.field("not_assessed_count", pa.int32()),
    pa.field("tmb", pa.float64()),
    pa.field("tmb_status", pa.string()),
    pa.field("msi_status", pa.string()),
    pa.field("report", pa.string()),
    pa.field("findings", pa.list_(FINDING)),
    pa.field("not_assessed", pa.list_(GAP)),
])


def cohort_table(rows: Sequence[SampleSummary], info: Mapping[str, Any]) -> pa.Table:
    """The table of ``rows`` (cohort order) with ``info`` (the run's provenance, as in cohort.json) as metadata."""
    columns: dict[str, list[Any]] = {
        "sample": [r.sample for r in rows],
        "tumour_type": [r.tumour_type for r in rows],
        "hpd_risk_level": [r.level for r in rows],
        "hpd_events": [list(r.hpd_events) for r in rows],
        "hpd_rules": [list(r.hpd_rules) for r in rows],
        "hpd_rules_not_assessed": [list(r.hpd_not_assessed) for r in rows],
        "targetable_findings": [r.targetable for r in rows],
        "targetable_genes": [list(r.targetable_genes) for r in rows],
        "ici_benefit": [list(r.ici_benefit) for r in rows],
        "ici_resistance": [list(r.ici_resistance) for r in rows],
        "key_events_not_assessed": [list(r.key_not_assessed) for r in rows],
        "not_assessed_count": [r.not_assessed for r in rows],
        "tmb": [r.tmb for r in rows],
        "tmb_status": [r.tmb_status for r in rows],
        "msi_status": [r.msi for r in rows],
        "report": [r.report or None for r in rows],
        "findings": [[f._asdict() for f in r.findings] for r in rows],
        "not_assessed": [[{**g._asdict(), "rule_ids": list(g.rule_ids)} for g in r.gaps] for r in rows],
    }
    arrays = [pa.array(columns[field.name], type=field.type) if not pa.types.is_dictionary(field.type)
              else pa.array(columns[field.name], type=pa.string()).dictionary_encode().cast(field.type)
              for field in SCHEMA]
    metadata = {"hpdgenomics": json.dumps(dict(info), ensure_ascii=False, sort_keys=True),
                "hpdgenomics_schema_version": PARQUET_SCHEMA_VERSION}
    return pa.Table.from_arrays(arrays, schema=SCHEMA.with_metadata(metadata))


def render_cohort_parquet(rows: Sequence[SampleSummary], info: Mapping[str, Any]) -> bytes:
    """The bytes of ``cohort.parquet`` (zstd-compressed; the same rows and info give the same bytes)."""
    buffer = io.BytesIO()
    pq.write_table(cohort_table(rows, info), buffer, compression="zstd", write_statistics=True)
    return buffer.getvalue()


def read_provenance(path: Any) -> dict[str, Any]:
    """The run provenance stored in a ``cohort.parquet`` (its schema metadata)."""
    metadata = pq.read_schema(path).metadata or {}
    return dict(json.loads(metadata[b"hpdgenomics"]))
