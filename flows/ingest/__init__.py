"""Ingest: order files read, renamed, validated, spooled and partitioned (docs/ARCHITECTURE.md)."""
