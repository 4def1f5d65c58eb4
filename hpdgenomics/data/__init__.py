"""Generated reference tables (see MANIFEST.json and scripts/build_refdata.py); data only."""
