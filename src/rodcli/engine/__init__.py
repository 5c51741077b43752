"""The one checking engine: validate, build and compare check every record here.

Layers (docs/architecture.md): input adapters (``csv_input``, the readers) turn files into
batches of columns (``batch``); column checks generated from the format definition
(``fields``) pass the records with nothing to report; the rest take the precise path
(``precise``); every record leaves a row in the key table (``keys``) for the cross-record
rules; ``run.Engine`` drives it all and streams findings to a sink.
"""

import os

# polars allocates with jemalloc, which by default keeps freed pages for ten seconds: a run
# over a large file then holds the peak of many batches at once. Returning them after 0.1 s,
# from two arenas, keeps most of the speed (returning them at once costs about 40% of it,
# measured: benchmarks/README.md) at a fraction of the memory. Read when polars is first
# imported, so set here, before; a user's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "narenas:2,dirty_decay_ms:100,muzzy_decay_ms:0")
