"""The annotator: a desktop named-entity annotation tool for NLP researchers."""

__version__ = "0.1.0"
