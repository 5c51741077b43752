"""The one checking engine: validate, build and compare check every record here.

Layers (docs/architecture.md): input adapters (``csv_input``, the readers) turn files into
batches of columns (``batch``); column checks generated from the format definition
(``fields``) pass the records with nothing to report; the rest take the precise path
(``precise``); every record leaves a row in the key table (``keys``) for the cross-record
rules; ``run.Engine`` drives it all and streams findings to a sink.
"""

import os

# polars allocates with jemalloc, which by default keeps freed pages for seconds: a run over
# a large file then holds the peak of every batch at once. Returning them at once keeps the
# engine within its memory budget (read when polars is first imported, so set here, before).
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
