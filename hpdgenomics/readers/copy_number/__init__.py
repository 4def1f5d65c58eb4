"""Copy-number readers: segments (SEG, CNVkit), discrete CNA tables and copy-number VCF records."""
