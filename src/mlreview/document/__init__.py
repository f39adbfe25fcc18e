"""Format-neutral documents: what a command prints, before a format is chosen.

Areas present their assessments as blocks; each command builds one Document; the terminal,
Markdown and HTML renderers draw any Document. Knows nothing of manifests or reviews."""
