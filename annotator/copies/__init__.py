"""Working with copies of sentences across documents: projecting a decision onto every
copy, finding copies that disagree. The index itself is store.copy_index."""
