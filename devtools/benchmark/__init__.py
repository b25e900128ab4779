"""Benchmark-only routes (``benchmarks/``), mounted only when ``settings.BENCHMARK_ROUTES`` is true."""
