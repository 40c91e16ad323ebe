"""`python -m bench` (make bench): the search benchmark on SQLite."""

from bench.search_bench import main

main()
