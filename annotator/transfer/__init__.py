"""Moving corpora in and out of a Store: import with validation, streaming atomic export."""
