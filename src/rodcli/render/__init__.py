"""Renderers turn a Result into text or a document; they do no I/O."""
