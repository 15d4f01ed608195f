"""spaCy: tokens for snapping and matching, pipelines for suggestions. No Qt here."""
