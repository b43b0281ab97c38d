"""``python -m cli`` runs ``ckptlog``."""

from cli.main import main

main()
