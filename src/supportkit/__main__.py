"""``python -m supportkit`` runs the same command line as ``supportkit``."""

from supportkit._cli import main

raise SystemExit(main())
