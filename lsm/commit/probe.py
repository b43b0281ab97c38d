"""Cheap answers for the git-hook fast paths: is there attribution state to move?

A ``post-checkout`` runs for every checkout and every ``git restore``; in a
repository whose previous HEAD has no working log there is nothing to
rename, archive or drop, and the hook must cost little more than Python's
start-up. :func:`has_live_log` answers from the index alone: the store's
LMDB environment opened read-only, one ``get`` in the ``logs`` database,
closed again, without importing the engine (no codec, no zstd, no segments).
A live log's key is its name (``lsm.indexschema.log_key``, whose layout a
test pins to this one); an archived log lives under ``old-<name>``, so the
name's key alone says "live".

Anything unexpected (no store, no index, a damaged or locked one) answers
"maybe" (True): the full handler then decides, with every check it has.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["has_live_log", "index_has_log"]

#: The named database of working logs (:data:`lsm.indexschema.DB_NAMES`).
LOGS_DB = b"logs"


def index_has_log(index: Path, name: str) -> bool:
    """True unless ``index`` (an ``index/`` directory) surely has no live log ``name``."""
    if not (index / "data.mdb").exists():
        return False  # no index: nothing was ever checkpointed (or it is rebuilt on open)
    try:
        import lmdb

        env = lmdb.open(str(index), readonly=True, subdir=True, max_dbs=16, lock=True, create=False)
    except Exception:
        return True
    try:
        with env.begin() as txn:
            db = env.open_db(LOGS_DB, txn=txn, create=False)
            return txn.get(name.encode("utf-8", "surrogateescape"), db=db) is not None
    except Exception:
        return True
    finally:
        env.close()


def has_live_log(cwd: str, base: str) -> bool:
    """True unless the work tree at ``cwd`` surely has no live working log of ``base``."""
    try:
        from lsm.checkpoint.gitrepo import find_repo
        from lsm.config import load_settings

        repo = find_repo(cwd)
        settings = load_settings(repo.ai_dir)
    except Exception:
        return True
    if settings.storage.mode == "legacy":
        return True  # git-ai's files: the handler looks
    index = settings.store_path(repo.common_dir) / "index"
    return index_has_log(index, repo.log_name(base))
