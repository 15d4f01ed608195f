"""Pure-Python domain: documents, spans, labels and the offset rules. No Qt, no SQL."""
