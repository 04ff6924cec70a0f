"""Helpers shared by the PIM-SM e2e tests (tests/e2e/pimd_sm_*.py). This file lives in a subdirectory so the
e2e glob (tests/e2e/*.py) does not register it as a test."""

from __future__ import annotations

from lab import check  # noqa: F401 (re-exported for the tests)
from pimd_setup import igmpd_yaml  # noqa: F401 (re-exported for the tests)


_KEYS = {"join": "joins", "upstream": "upstream", "assert": "asserts", "rpf": "rpf"}


def show(node, command: str) -> list[dict]:
    """Rows of `show ip pim join|upstream|assert|rpf` (JSON), each tagged with the node's name as "router"."""
    data = node.fanout(command)
    rows = data[_KEYS[command.split()[-1]]]
    for r in rows:
        r["router"] = node.name
    return rows


def mroute_oifs(row) -> list[str]:
    """Sorted oif names of a `show ip mroute` row (None -> [])."""
    return sorted(o["interface"] for o in (row or {}).get("oifs", []))
