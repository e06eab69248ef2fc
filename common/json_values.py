"""Checks on parsed JSON values shared by the API's parser and the profile rules."""

from __future__ import annotations

from typing import Any


def find_nul(value: Any, path: str = "") -> str | None:
    """The path of the first key or string holding a NUL character, or None."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return where
        elif isinstance(node, dict):
            for key, item in node.items():
                child = f"{where}/{key}" if where else str(key)
                if "\x00" in str(key):
                    return child
                stack.append((child, item))
        elif isinstance(node, list):
            stack += [(f"{where}/{index}" if where else str(index), item)
                      for index, item in enumerate(node)]
    return None


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            stack += [(item, depth + 1) for item in node.values()]
            deepest = max(deepest, depth + 1)
        elif isinstance(node, list):
            stack += [(item, depth + 1) for item in node]
            deepest = max(deepest, depth + 1)
    return deepest


def loads_on_fresh_stack(text: str, **kwargs: Any) -> Any:
    """`json.loads` in a new thread, whose recursion depth starts at zero.

    A stored value nested a few hundred levels deep (written before today's depth limits, or
    straight into the database) can exceed what is left of the recursion limit deep inside a
    request; parsed on a fresh stack it loads, so the rules can refuse it with a 400 instead of
    the read failing with a 500. Raises RecursionError only for values near the limit itself.
    """
    import json
    import threading

    outcome: dict[str, Any] = {}

    def parse() -> None:
        try:
            outcome["value"] = json.loads(text, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=parse, name="json-fresh-stack")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
