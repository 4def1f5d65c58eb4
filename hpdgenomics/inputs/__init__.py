"""Run inputs: reading one kind of input file and shaping it for a sample profile."""
