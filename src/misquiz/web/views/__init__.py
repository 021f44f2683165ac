"""One module per kind of page: welcome, statement, results, the language switch, static files."""
