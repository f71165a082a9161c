"""Members of System.DateTime and System.TimeSpan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from winrm_sim.powershell.dates import format_date
from winrm_sim.powershell.values import to_number, to_string

_MISSING = object()
# .NET ticks (100 ns) between 0001-01-01 and the Unix epoch.
_EPOCH_TICKS = 621355968000000000


def date_property(value: datetime, key: str) -> object:
    """Return a DateTime property, or the missing marker."""
    table: dict[str, Callable[[datetime], object]] = {
        "year": lambda d: d.year,
        "month": lambda d: d.month,
        "day": lambda d: d.day,
        "hour": lambda d: d.hour,
        "minute": lambda d: d.minute,
        "second": lambda d: d.second,
        "millisecond": lambda d: d.microsecond // 1000,
        "dayofweek": lambda d: d.strftime("%A"),
        "dayofyear": lambda d: d.timetuple().tm_yday,
        "date": lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0),
        "timeofday": lambda d: timedelta(
            hours=d.hour, minutes=d.minute, seconds=d.second
        ),
        "ticks": lambda d: _ticks(d),
        "kind": lambda d: "Local",
    }
    reader = table.get(key)
    return _MISSING if reader is None else reader(value)


def _ticks(value: datetime) -> int:
    seconds = (value.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds()
    return _EPOCH_TICKS + int(seconds * 10_000_000)


def span_property(value: timedelta, key: str) -> object:
    """Return a TimeSpan property, or the missing marker."""
    total = value.total_seconds()
    table = {
        "totalseconds": total,
        "totalmilliseconds": total * 1000,
        "totalminutes": total / 60,
        "totalhours": total / 3600,
        "totaldays": total / 86400,
        "days": value.days,
        "hours": value.seconds // 3600,
        "minutes": value.seconds % 3600 // 60,
        "seconds": value.seconds % 60,
        "milliseconds": value.microseconds // 1000,
        "ticks": int(total * 10_000_000),
    }
    return table.get(key, _MISSING)


def _add(unit: str) -> Callable[[datetime, list[object]], datetime]:
    def add(value: datetime, arguments: list[object]) -> datetime:
        amount = float(to_number(arguments[0]))
        return value + timedelta(**{unit: amount})

    return add


def _add_months(value: datetime, arguments: list[object]) -> datetime:
    months = value.month - 1 + int(to_number(arguments[0]))
    year, month = value.year + months // 12, months % 12 + 1
    day = min(
        value.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return value.replace(year=year, month=month, day=day)


DATE_METHODS: dict[str, Callable[[datetime, list[object]], object]] = {
    "adddays": _add("days"),
    "addhours": _add("hours"),
    "addminutes": _add("minutes"),
    "addseconds": _add("seconds"),
    "addmilliseconds": _add("milliseconds"),
    "addmonths": _add_months,
    "addyears": lambda d, a: _add_months(d, [int(to_number(a[0])) * 12]),
    "tostring": lambda d, a: format_date(d, to_string(a[0])) if a else to_string(d),
    "toshortdatestring": lambda d, a: f"{d.month}/{d.day}/{d.year}",
    "tolongdatestring": lambda d, a: format_date(d, "D"),
    "toshorttimestring": lambda d, a: format_date(d, "t"),
    "touniversaltime": lambda d, a: d.astimezone(UTC).replace(tzinfo=None),
    "tolocaltime": lambda d, a: d,
    "subtract": lambda d, a: d - a[0] if isinstance(a[0], datetime | timedelta) else d,
    "tofiletime": lambda d, a: _ticks(d) - 504911232000000000,
}
