"""Sentences and their copies, with no database: the one segmentation, the normalized
form two copies are compared in, MinHash signatures and the similarity that verifies a
candidate pair. The store keeps the index built from these (store.copy_index)."""
