"""spaCy: tokens for snapping and matching, pipelines for suggestions. No Qt here.

Entry points (import the modules; this package imports nothing, so it stays cheap):

- ``pipeline.installed_pipelines()``, ``default_model()``, ``load_pipeline(model) -> Pipeline``
  (raises ``NoModelError`` with a message for the user);
- ``preannotate.preannotate(store, pipeline, status=..., doc_ids=..., processes=...,
  progress=..., cancelled=...) -> PreannotateSummary``: commits per batch, for a worker thread;
- ``patterns.propagate(store, label, phrase, exclude=(doc_id, start, end)) -> SuggestionResult``:
  learned string matches after a tag or an accept; needs no model;
- ``tokens.Tokens``: token boundaries for snapping and caret moves.
"""
