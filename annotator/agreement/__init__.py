"""Agreement between annotators (issue 12): exact and partial span F1, Cohen's kappa and
Krippendorff's alpha over tokens, a label confusion matrix, per label and per document.

metrics: the formulas, numpy only; tagging: tokens and their IOB tags; tally: figures summed
over batches of documents; report: what the `agreement` verb and the window read from a store.
"""
