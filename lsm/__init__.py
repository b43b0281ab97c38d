"""lsm-checkpoints: a log-structured store for AI-authorship checkpoints."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
