"""Methods of arrays, ArrayList, List[T] and Hashtable."""

from __future__ import annotations

from collections.abc import Callable

from winrm_sim.powershell.dotnet.objects import ArrayList, DotNetError
from winrm_sim.powershell.values import Hashtable, PSObject, to_number, to_string


def _equal(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a == b


def _list_add(items: list[object], arguments: list[object]) -> object:
    if not isinstance(items, ArrayList):
        raise DotNetError(
            "System.NotSupportedException", "Collection was of a fixed size."
        )
    items.append(arguments[0])
    return len(items) - 1


def _list_remove(items: list[object], arguments: list[object]) -> None:
    if not isinstance(items, ArrayList):
        raise DotNetError(
            "System.NotSupportedException", "Collection was of a fixed size."
        )
    for index, item in enumerate(items):
        if _equal(item, arguments[0]):
            del items[index]
            return


def _list_index_of(items: list[object], arguments: list[object]) -> int:
    for index, item in enumerate(items):
        if _equal(item, arguments[0]):
            return index
    return -1


def _add_range(items: list[object], arguments: list[object]) -> None:
    if not isinstance(items, ArrayList):
        raise DotNetError(
            "System.NotSupportedException", "Collection was of a fixed size."
        )
    value = arguments[0]
    items.extend(value if isinstance(value, list | bytearray) else [value])


LIST_METHODS: dict[str, Callable[[list[object], list[object]], object]] = {
    "add": _list_add,
    "addrange": _add_range,
    "remove": _list_remove,
    "removeat": lambda items, a: items.pop(int(to_number(a[0]))) and None,
    "contains": lambda items, a: any(_equal(item, a[0]) for item in items),
    "indexof": _list_index_of,
    "clone": lambda items, a: type(items)(items),
    "toarray": lambda items, a: list(items),
    "clear": lambda items, a: items.clear(),
    "insert": lambda items, a: items.insert(int(to_number(a[0])), a[1]),
    "reverse": lambda items, a: items.reverse(),
    "sort": lambda items, a: items.sort(key=lambda item: to_string(item).casefold()),
    "getvalue": lambda items, a: items[int(to_number(a[0]))],
    "setvalue": lambda items, a: items.__setitem__(int(to_number(a[1])), a[0]),
}


def _hash_add(table: Hashtable, arguments: list[object]) -> None:
    key = arguments[0]
    if key in table:
        raise DotNetError(
            "System.ArgumentException",
            f"Item has already been added. Key in dictionary: '{to_string(key)}'  "
            f"Key being added: '{to_string(key)}'",
        )
    table[key] = arguments[1] if len(arguments) > 1 else None


def entry_list(value: object) -> list[object]:
    """Return the DictionaryEntry objects of a hash table, or the items of a list."""
    if isinstance(value, Hashtable):
        return [
            PSObject(
                [("Name", key), ("Key", key), ("Value", item)],
                "System.Collections.DictionaryEntry",
            )
            for key, item in value.items()
        ]
    return list(value)  # type: ignore[call-overload]


HASHTABLE_METHODS: dict[str, Callable[[Hashtable, list[object]], object]] = {
    "add": _hash_add,
    "containskey": lambda table, a: a[0] in table,
    "contains": lambda table, a: a[0] in table,
    "containsvalue": lambda table, a: any(
        _equal(item, a[0]) for item in table.values()
    ),
    "remove": lambda table, a: table.remove(a[0]),
    "clear": lambda table, a: [table.remove(key) for key in table.keys()] and None,
    "clone": lambda table, a: table.copy(),
    "getenumerator": lambda table, a: entry_list(table),
    "get_item": lambda table, a: table[a[0]],
    "set_item": lambda table, a: table.__setitem__(a[0], a[1]),
}
