"""Command-line sub-command groups, each registering its own parser and handlers."""
