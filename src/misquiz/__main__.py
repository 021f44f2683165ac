from misquiz.cli import main

main()
