"""Entry point: ``python -m tools.bench --profile all``."""

import sys

from tools.bench.cli import main

sys.exit(main())
