"""Development tools (benchmarks, NLU evaluation): outside the installed package, run from the project root."""
