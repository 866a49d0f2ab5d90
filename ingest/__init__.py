"""Document ingestion: loading, normalising, cleaning and chunking files."""
