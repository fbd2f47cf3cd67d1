"""Calendar dates stated in an announcement: a hand-written parser (regular expressions + a numeral table).

Read (on the normalized text, so Traditional and full-width input read the same):

* ``2021年1月18日``, ``1月18日`` and ``18日`` (year and month from the last full date before them, else
  from ``reference_date``; a month more than six months away from the reference month moves the year:
  a December date in a January document is the previous year);
* Chinese numerals ``二〇二一年一月十八日``, ``二零二一年一月十八日``;
* ROC years ``民国110年1月18日`` and bare ``110年1月18日`` (years below 200 can only be ROC years: +1911);
* ``2021-01-18``, ``2021/1/18``, ``2021.1.18`` (not inside URLs or longer digit strings);
* ``今(8)日`` / ``今（8）日`` → day 8 of the reference month;
* ranges ``10月22日至24日`` and ``10月22-24日`` → both ends.

Not read: months or years alone, recurring dates (``每月15日``), ordinals (``第3日``), invalid dates
(``2月30日``), digits inside URLs, identifiers and phone numbers. A day that cannot be anchored (no year
or month in the text and no ``reference_date``) is dropped.

The primary ``date`` (gold guidelines §6) is the first date of the document's opening (title and the
first :data:`OPENING_CHARS` characters) or of a ``时间：``/``日期：`` field, skipping deadlines
(``截止``, ``前报名`` …); ``None`` when the opening states no date (only ``近日``/``日前``). Two kinds of
opening change which date that is: one that says the event was ``今天``/``昨日`` before any date makes
a written date the primary date only when it is that day (``今(1)日``), others are background
(``于九日去世``); one that opens a report over a period (``近日，``, ``疫情发生以来，``) and lists dated
activities takes the earliest of them (up to a month before the first), unless the first is the day of
publication.

The reference date (:func:`reference_date`) is the metadata date, else the date a url or file name
carries (``/art/2020/3/20/``, ``/2024/08/15/``, ``20260616``); without either, the first full date of the
text (with year and month) anchors the year-less days of the whole text, also those written before it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from search.normalize import normalize

__all__ = ["DateInfo", "extract_dates", "reference_date", "date_in_name", "OPENING_CHARS"]

# How far into a document its main event's date is looked for; dates further in are background.
OPENING_CHARS = 260

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "o": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇零○一二两三四五六七八九十廿卅"
_NUM = rf"(?:\d{{1,4}}|[{_CN_NUM}]{{1,4}})"
_SP = r"[ \t]*"
# A lookahead for the first character a match can begin with. It changes no match, but lets the regex
# engine reject most positions with one character test instead of trying every branch (4× faster here).
_AT_NUM = rf"(?=[\d{_CN_NUM}])"

# A second day written before the one 日 of a range or list (22-24日, 22、23日, 22至24日): both are dates.
_DAY_LIST = rf"(?:{_SP}(?:至|到|和|及|-|–|—|~|～|、|,){_SP}(?P<dx>\d{{1,2}}|[{_CN_NUM}]{{1,3}}))?"
# Relative years in front of a month (去年9月4日): the year follows from the reference date.
_RELATIVE_YEARS = {"去年": -1, "前年": -2, "今年": 0, "明年": 1}
# Relative months in front of a bare day (本月3日).
_RELATIVE_MONTHS = {"本": 0, "当": 0, "同": 0, "上": -1, "下": 1}
# A month/day written with a slash in parentheses or after a time field ((9/28), 时间：9/28).
_SLASH_RE = re.compile(
    r"(?:(?<=[(])|(?<=(?:时间|日期):)|(?<=(?:时间|日期): ))(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])"
)
# A date followed by these is when a report was published (据美国媒体19日报道), not the event's date.
_REPORT_RE = re.compile(r"\s*(?:报道|电|讯|消息|发文|撰文)")

# Year (optionally 民国), month, day; the year part is optional, the day part too (then it is a month
# mention, which only anchors later days).
_YMD_RE = re.compile(
    rf"(?=[民\d{_CN_NUM}])(?P<roc>民国{_SP})?(?:(?P<y>{_NUM}){_SP}年{_SP})?(?P<m>{_NUM}){_SP}月"
    rf"(?:{_SP}(?P<d>{_NUM}){_DAY_LIST}{_SP}[日号])?"
    rf"(?:{_SP}(?:至|到|-|–|—|~|～|、){_SP}(?:(?P<m2>{_NUM}){_SP}月{_SP})?(?P<d2>{_NUM}){_SP}[日号])?"
)
_DAY_RE = re.compile(
    rf"{_AT_NUM}(?P<d>{_NUM}){_DAY_LIST}{_SP}日(?:{_SP}(?:至|到|-|–|—|~|～|、){_SP}(?P<d2>{_NUM}){_SP}日)?"
)
_TODAY_RE = re.compile(rf"今{_SP}\({_SP}(?P<d>\d{{1,2}}){_SP}\){_SP}日")
_NUMERIC_RE = re.compile(
    r"(?=[12])(?<![0-9a-z./_-])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![0-9a-z/_-]|\.\d)"
)
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff，。；、）)]*")
# Characters that, right before a bare day, make it a non-date (每月15日, 第3日, 3月 is read elsewhere).
_DAY_BLOCKERS = set("每第月个个号.:/-")
_DEADLINE_RE = re.compile(r"截止|截至|前报名|之前|以前|为止|前提交|前发送|前报送|deadline")
_FIELD_RE = re.compile(r"(?:时间|日期)[:：][^\n。；;]*$")
_FIELD_REACH = 16


# A date in a url path or a file name: year, month and day separated (/2020/3/20/, 2024-08-15, 2024_08_15)
# or written as eight digits (20260616), never inside a longer run of digits.
_NAME_DATE_RES = (
    re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})([/_.-])([0-9]{1,2})\2([0-9]{1,2})(?![0-9])"),
    re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})()([0-9]{2})([0-9]{2})(?![0-9])"),
)


def date_in_name(name: str | None) -> str | None:
    """The first valid date (``YYYY-MM-DD``) a url or file name carries, else ``None``.

    ``http://www.cast.org.cn/art/2020/3/20/art_80_1.html`` → ``2020-03-20``;
    ``https://tv.cctv.com/2024/08/15/VIDE….shtml`` → ``2024-08-15``; ``notice_20260616.html`` →
    ``2026-06-16``. Digits that make no valid date (``99532756``) are skipped.
    """
    if not name:
        return None
    for pattern in _NAME_DATE_RES:
        for m in pattern.finditer(name):
            day = _make(int(m.group(1)), int(m.group(3)), int(m.group(4)))
            if day is not None:
                return day.isoformat()
    return None


def reference_date(meta_date: str | None, url: str | None = None, name: str | None = None) -> str | None:
    """The date that supplies missing years and months: ``meta_date`` when it is a valid
    ``YYYY-MM-DD`` date, else the date in ``url``, else the date in the file ``name``; ``None`` when none
    carries one (then :func:`extract_dates` anchors on the text's own first full date)."""
    if _parse_reference(meta_date) is not None:
        return meta_date
    return date_in_name(url) or date_in_name(name)


@dataclass(frozen=True)
class DateInfo:
    """``date``: the primary date (``YYYY-MM-DD``) or ``None``; ``dates``: every date, distinct, sorted."""

    date: str | None
    dates: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Found:
    start: int
    day: dt.date
    deadline: bool
    report: bool = False


def _cn_number(text: str) -> int | None:
    """``"2021"``, ``"二〇二一"``, ``"十八"``, ``"二十一"``, ``"廿四"`` → int; ``None`` when not a number."""
    if text.isdigit():
        return int(text)
    for mark, tens in (("十", 1), ("廿", 2), ("卅", 3)):
        if mark in text:
            head, _, tail = text.partition(mark)
            if len(head) > 1 or len(tail) > 1 or (head and mark != "十"):
                return None
            high = _CN_DIGITS.get(head) if head else tens
            low = _CN_DIGITS.get(tail) if tail else 0
            if high is None or low is None:
                return None
            return high * 10 + low
    value = 0
    for char in text:
        digit = _CN_DIGITS.get(char)
        if digit is None:
            return None
        value = value * 10 + digit
    return value


def _year(raw: str | None, roc: bool) -> int | None:
    if raw is None:
        return None
    value = _cn_number(raw)
    if value is None:
        return None
    if roc or 0 < value < 200:
        return value + 1911
    if 1900 <= value <= 2100:
        return value
    return None


def _make(year: int, month: int | None, day: int | None) -> dt.date | None:
    if month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _near_reference(month: int, ref: dt.date) -> int:
    """The year of a month written without a year: the reference year, shifted across a year boundary."""
    if month - ref.month > 6:
        return ref.year - 1
    if ref.month - month > 6:
        return ref.year + 1
    return ref.year


def _parse_reference(reference_date: str | None) -> dt.date | None:
    if not reference_date:
        return None
    try:
        return dt.date.fromisoformat(reference_date[:10])
    except ValueError:
        return None


def extract_dates(text: str, reference_date: str | None = None, *, normalized: str | None = None) -> DateInfo:
    """Find every calendar date in ``text``; see the module docstring for what is read.

    ``reference_date`` (``YYYY-MM-DD``, usually the metadata date) only supplies a missing year or
    month. ``normalized`` is ``search.normalize.normalize(text)`` when the caller has it already (the
    indexer does: :func:`search.analysis.segment` computed it), to save normalizing the text again.
    Never raises on odd input: an unparsable ``reference_date`` is ignored.
    """
    ref = _parse_reference(reference_date)
    norm = normalize(text) if normalized is None else normalized
    masked = _URL_RE.sub(lambda m: " " * len(m.group(0)), norm)
    found: list[_Found] = []
    taken = bytearray(len(masked))  # 1 where a date was read already

    def deadline_at(start: int, end: int) -> bool:
        window = masked[max(0, start - 12) : end + 8]
        return bool(_DEADLINE_RE.search(window))

    def add(start: int, end: int, day: dt.date | None) -> None:
        if day is not None:
            found.append(_Found(start, day, deadline_at(start, end), bool(_REPORT_RE.match(masked, end))))

    def mark(start: int, end: int) -> None:
        taken[start:end] = b"\x01" * (end - start)

    # Anchors for year/month-less mentions, in text order: (offset, year, month).
    anchors: list[tuple[int, int, int | None]] = []

    for m in _NUMERIC_RE.finditer(masked):
        day = _make(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if day:
            add(m.start(), m.end(), day)
            anchors.append((m.start(), day.year, day.month))
            mark(m.start(), m.end())

    for m in _TODAY_RE.finditer(masked):
        if ref is not None:
            add(m.start(), m.end(), _make(ref.year, ref.month, int(m.group("d"))))
        mark(m.start(), m.end())

    def anchor_before(pos: int) -> tuple[int, int | None] | None:
        best = None
        for offset, year, month in anchors:
            if offset < pos:
                best = (year, month)
        return best

    ymd: list[tuple[re.Match[str], int | None, int]] = []
    background: set[int] = set()  # starts of dates in a past year named relatively (去年9月4日)
    for m in _YMD_RE.finditer(masked):
        if taken.find(1, m.start(), m.end()) >= 0:
            continue
        prev = masked[m.start() - 1] if m.start() else ""
        if prev.isdigit() or (prev and prev in "第每"):
            continue
        month = _cn_number(m.group("m"))
        if month is None or not 1 <= month <= 12:
            continue
        year = _year(m.group("y"), bool(m.group("roc")))
        if m.group("y") and year is None:
            continue
        relative = _RELATIVE_YEARS.get(masked[max(0, m.start() - 2) : m.start()])
        if year is None and relative is not None and ref is not None:
            # 去年9月4日: a background date, which anchors no later day (nor is the primary date).
            ymd.append((m, ref.year + relative, month))
            mark(m.start(), m.end())
            if relative < 0:
                background.add(m.start())
            continue
        ymd.append((m, year, month))
        mark(m.start(), m.end())
        if year is not None and m.group("d"):
            anchors.append((m.start(), year, month))
    anchors.sort()
    if ref is None and anchors:
        # No reference date: the text's first full date anchors the year-less days (guidelines §6).
        first_year, first_month = anchors[0][1], anchors[0][2]
        ref = dt.date(first_year, first_month or 1, 1)

    for m, year, month in ymd:
        if year is None:
            anchor = anchor_before(m.start())
            if anchor is not None:
                year = anchor[0]
            elif ref is not None:
                year = _near_reference(month, ref)
            else:
                continue
        if not m.group("d"):
            continue
        first = _make(year, month, _cn_number(m.group("d")))
        add(m.start(), m.end(), first)
        if m.group("dx"):
            add(m.start(), m.end(), _make(year, month, _cn_number(m.group("dx"))))
        relative = _RELATIVE_YEARS.get(masked[max(0, m.start() - 2) : m.start()])
        if first is not None and (relative is None or relative == 0):
            anchors.append((m.start(), year, month))
        if m.group("d2"):
            month2 = _cn_number(m.group("m2")) if m.group("m2") else month
            add(m.start(), m.end(), _make(year, month2, _cn_number(m.group("d2"))))
    anchors.sort()

    for m in _DAY_RE.finditer(masked):
        if taken.find(1, m.start(), m.end()) >= 0:
            continue
        prev = masked[m.start() - 1] if m.start() else ""
        before = masked[m.start() - 2] if m.start() > 1 else ""
        shift = _RELATIVE_MONTHS.get(before) if prev == "月" else None
        if prev == ":" and not before.isdigit():
            prev = ""  # 消息(新闻联播):4日下午 — a colon after words, not a time (10:4)
        if shift is None and (prev.isdigit() or prev in _DAY_BLOCKERS or prev.isalpha() and prev.isascii()):
            continue
        anchor = anchor_before(m.start())
        if shift is not None and ref is not None:
            # 本月3日, 上月28日: the month of the reference date, or the one before or after it.
            months = ref.year * 12 + ref.month - 1 + shift
            year, month = months // 12, months % 12 + 1
        elif anchor is not None and anchor[1] is not None:
            year, month = anchor[0], anchor[1]
        elif ref is not None:
            year, month = ref.year, ref.month
        else:
            continue
        add(m.start(), m.end(), _make(year, month, _cn_number(m.group("d"))))
        if m.group("dx"):
            add(m.start(), m.end(), _make(year, month, _cn_number(m.group("dx"))))
        if m.group("d2"):
            add(m.start(), m.end(), _make(year, month, _cn_number(m.group("d2"))))

    for m in _SLASH_RE.finditer(masked) if "/" in masked else ():
        if taken.find(1, m.start(), m.end()) >= 0:
            continue
        anchor = anchor_before(m.start())
        month = int(m.group("m"))
        if anchor is not None:
            year = anchor[0]
        elif ref is not None and 1 <= month <= 12:
            year = _near_reference(month, ref)
        else:
            continue
        add(m.start(), m.end(), _make(year, month, int(m.group("d"))))

    found.sort(key=lambda f: f.start)
    dates = sorted({f.day.isoformat() for f in found})
    return DateInfo(date=_primary(masked, [f for f in found if f.start not in background], ref), dates=dates)


# Relative days that state the main event's day without writing it (今天返台, 昨日举行); one followed by
# the date in parentheses (今天(4月24日)) writes it.
_RELATIVE_DAY_RE = re.compile(r"(今天|今日|今晨|今早|今晚|昨天|昨日|昨晚)(?![ \t]*\()")
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "今晨": 0, "今早": 0, "今晚": 0, "昨天": -1, "昨日": -1, "昨晚": -1}
# A clause that opens a report over a period (近日，…, 疫情发生以来，…): its dated activities follow,
# and the report's date is the first of them.
_PERIOD_RE = re.compile(r"(?:近日|日前|近期|近来|以来|连日来)[,，]")
# How far before the first dated activity of a period report an earlier one may be (older dates are
# background: 2003年非典以来).
_PERIOD_DAYS = 31


def _quoted(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside “…” (a name or a slogan: “今日俄罗斯”电视台, “昨日奇思妙想”)."""
    return text.count("“", 0, pos) > text.count("”", 0, pos)


def _primary(masked: str, found: list[_Found], ref: dt.date | None = None) -> str | None:
    """The primary date (guidelines §6) among ``found`` (in text order), see the module docstring."""
    candidates = [f for f in found if not f.deadline and not f.report] or [f for f in found if not f.deadline]
    opening = [f for f in candidates if f.start < OPENING_CHARS]
    if opening:
        first = opening[0]
        relative = next((m for m in _RELATIVE_DAY_RE.finditer(masked, 0, first.start)
                         if not _quoted(masked, m.start())), None)
        if relative is not None and ref is not None:
            # The opening says the event was "today": a written date is its date only if it is that day
            # (今(1)日); another one is background (于九日去世).
            day = ref + dt.timedelta(days=_RELATIVE_DAYS[relative.group(1)])
            same = [f for f in opening if f.day == day]
            if same:
                return same[0].day.isoformat()
            candidates = [f for f in candidates if f.start >= OPENING_CHARS]
        elif _PERIOD_RE.search(masked, 0, first.start) and (ref is None or first.day < ref):
            # A report over a period (近日…, 疫情发生以来…) lists dated activities: the first one's day
            # (one whose first date is the day of publication reports that day's news).
            earliest = min(
                (f for f in candidates if 0 <= (first.day - f.day).days <= _PERIOD_DAYS), key=lambda f: f.day
            )
            return earliest.day.isoformat()
        else:
            return first.day.isoformat()
    for f in candidates:
        # A 时间：/日期： field right before the date, or before a few words (时间：校历第三周周六（9/28）).
        if _FIELD_RE.search(masked[max(0, f.start - _FIELD_REACH) : f.start]):
            return f.day.isoformat()
    return None
