"""Command-line front end of the engine: reads scheme and period files, runs the pure engine, writes
results. This package may do I/O; kaohe.engine may not."""
