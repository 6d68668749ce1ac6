"""geospike's ingest rules in Python, for the Spark job that aggregates logs too large for one machine.

Each module mirrors a file of Sources/GeoSpikeIngest (named in its docstring); the
Swift code is the reference, and spark/tests checks that both give the same counts.
"""
