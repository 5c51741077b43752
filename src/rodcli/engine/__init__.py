"""The one checking engine: validate, build and compare check every record here.

Layers (docs/architecture.md): input adapters (``csv_input``, the readers) turn files into
batches of columns (``batch``); column checks generated from the format definition
(``fields``) pass the records with nothing to report; the rest take the precise path
(``precise``); every record leaves a row in the key table (``keys``) for the cross-record
rules; ``run.Engine`` drives it all and streams findings to a sink.
"""
