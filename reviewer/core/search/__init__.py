"""The library's full-text index and search. Whoosh is used here and nowhere else."""
