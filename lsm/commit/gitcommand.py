"""Which git command ran a hook: the invoking process's command line.

git-ai learns the command behind every ref change from trace2 (its argv).
A hook gets only its own arguments, but its invoking ``git`` is an ancestor
process (git runs the hook script, which usually ``exec``\\s ckptlog), and
its command line says what the user asked for: ``reset --hard``,
``checkout -f``, ``stash pop``... :func:`invoking_command` walks up a few
parents (``/proc/<pid>/cmdline`` on Linux, ``ps`` elsewhere) to the nearest
``git`` and parses its argv; git's global options (``-C``, ``-c``,
``--git-dir``...) are skipped and an alias is expanded once from config.

When the command line cannot be read (no ``/proc``, no ``ps``, a hook run
by hand) the result is None, and every caller fails closed: it does only
what is safe without knowing the command.

Nothing here raises.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from lsm.record import NamedTuple

__all__ = ["GitCommand", "invoking_command", "invoking_commands", "parse_git_argv"]

#: Global options of ``git`` that take a separate value.
_GLOBAL_WITH_VALUE = frozenset(
    {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--exec-path"}
)
#: How far up the process tree the invoking git may be (git -> sh -> ckptlog).
_MAX_DEPTH = 4


class GitCommand(NamedTuple):
    """A git invocation: the subcommand (``reset``) and its arguments."""

    name: str
    args: tuple[str, ...]

    def has(self, *flags: str) -> bool:
        """True if any of ``flags`` was given (``--hard``, ``-f``...), before ``--``."""
        for arg in self.args:
            if arg == "--":
                return False
            if arg in flags:
                return True
            # Bundled short options: -fq has -f.
            bundled = len(arg) > 2 and arg[0] == "-" and arg[1] != "-"
            if bundled and any(f"-{ch}" in flags for ch in arg[1:]):
                return True
        return False

    def positionals(self) -> list[str]:
        """Arguments that are not options (before ``--``)."""
        out = []
        for arg in self.args:
            if arg == "--":
                break
            if not arg.startswith("-"):
                out.append(arg)
        return out

    def after_dashdash(self) -> list[str]:
        """Arguments after ``--`` (pathspecs)."""
        args = list(self.args)
        return args[args.index("--") + 1 :] if "--" in args else []


def parse_git_argv(argv: Sequence[str]) -> GitCommand | None:
    """``git [global options] <command> <args>`` -> GitCommand; None if not a git command."""
    if not argv:
        return None
    prog = os.path.basename(argv[0])
    if prog not in ("git", "git.exe"):
        # git's dashed forms (git-rebase, .../git-core/git-stash) are git too.
        if prog.startswith("git-"):
            return GitCommand(prog[4:], tuple(argv[1:]))
        return None
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in _GLOBAL_WITH_VALUE:
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        return GitCommand(arg, tuple(argv[i + 1 :]))
    return None


def _proc_argv(pid: int) -> tuple[int, list[str]] | None:
    """(parent pid, argv) of ``pid`` from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read(1 << 16)
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read(4096)
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    close = stat.rfind(b")")
    fields = stat[close + 2 :].split()
    try:
        ppid = int(fields[1])
    except (IndexError, ValueError):
        return None
    argv = [a.decode("utf-8", "surrogateescape") for a in raw.split(b"\x00") if a]
    return ppid, argv


def _ps_argv(pid: int) -> tuple[int, list[str]] | None:
    """(parent pid, argv) from ``ps`` (macOS, BSD); argv split on spaces (best effort)."""
    from lsm.checkpoint.spawn import run

    try:
        code, out, _ = run(["ps", "-o", "ppid=", "-o", "args=", "-p", str(pid)], dict(os.environ))
    except OSError:
        return None
    text = out.decode("utf-8", "replace").strip()
    if code != 0 or not text:
        return None
    head, _, args = text.partition(" ")
    try:
        return int(head), args.split()
    except ValueError:
        return None


def invoking_commands(
    *,
    start: int | None = None,
    alias: Callable[[str], str | None] | None = None,
) -> list[GitCommand]:
    """The git commands among this process's ancestors, nearest first.

    ``git stash`` runs ``git reset --hard`` as a child: the chain tells the
    user's command (the outermost) from git's own plumbing (the nearest).

    :param start: the pid whose ancestors to search (default: our parent).
    :param alias: looks up ``alias.<name>`` (``git config``), to expand one alias.
    """
    reader = _proc_argv if os.path.isdir("/proc/self") else _ps_argv
    pid = os.getppid() if start is None else start
    out: list[GitCommand] = []
    for _ in range(_MAX_DEPTH + 2):
        if pid <= 1:
            break
        found = reader(pid)
        if found is None:
            break
        ppid, argv = found
        cmd = parse_git_argv(argv)
        if cmd is not None:
            if alias is not None:
                expansion = alias(cmd.name)
                if expansion and not expansion.startswith("!"):
                    words = expansion.split()
                    cmd = GitCommand(words[0], (*words[1:], *cmd.args))
            out.append(cmd)
        elif out:
            break  # above the outermost git
        pid = ppid
    return out


def invoking_command(
    *,
    start: int | None = None,
    alias: Callable[[str], str | None] | None = None,
) -> GitCommand | None:
    """The nearest git command that (indirectly) started this process, or None."""
    chain = invoking_commands(start=start, alias=alias)
    return chain[0] if chain else None
