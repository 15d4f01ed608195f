"""Training a NER pipeline on the researcher's own accepted spans, and evaluating it.

``datasets`` builds train/dev/test DocBins with the leak-free split, ``config`` writes spaCy's
own NER config (blank or fine-tuning a base pipeline), ``run`` trains through spaCy's Python
API into a staging folder (progress as picklable records, cancel at any step), ``evaluate``
scores a trained model beside the pre-trained pipeline on the held-out documents.
Nothing here imports spaCy at module level: the CLI's parser stays cheap.
"""
