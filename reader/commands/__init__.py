"""Sub-commands of the command line, one module each: ``add_parser(commands, common)`` and
``run(args) -> int``."""
