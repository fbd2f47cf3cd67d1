"""Hostile documents, shared by the fast tests (tests/test_hostile.py) and ``make reliability``.

:func:`write_hostile_corpus` writes a folder of inputs an attacker or a broken feed could hand the
indexer: markup and script in every field (titles, bodies, sources, categories, ids, urls), ``javascript:``
and ``data:`` urls, bidi overrides and NUL bytes, a 10 MB body, a 100,000-line file, invalid UTF-8, a
truncated ``.gz``, deeply nested and 10,000-element HTML. Each script payload sets ``window.__pwned`` and
calls ``alert``: a browser test fails if either happens. Every input is indexed inert or rejected with a
reason; the batch goes on (the plain documents at the end are always indexed).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

#: Script payloads: each would run in a page that put it into the DOM as markup.
PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '"><img src=x onerror="window.__pwned=1;alert(2)">',
    "<svg onload=\"window.__pwned=1;alert(3)\"></svg>",
    "'><iframe srcdoc=\"<script>parent.__pwned=1;alert(4)</script>\"></iframe>",
    "<a href=\"javascript:window.__pwned=1;alert(5)\">点我</a>",
]
BIDI = "\u202e\u2066\u200f"
BODY = "中国科协将于2021年5月在北京召开学术年会，欢迎各学会积极参加。"


def hostile_records() -> list[dict[str, str]]:
    """JSON records whose every field carries a payload (ids stay usable in a URL path)."""
    records = []
    for n, payload in enumerate(PAYLOADS):
        records.append(
            {
                "id": f"hostile-{n}",
                "title": f"恶意标题{payload}学会通知",
                "body": f"{BODY}{payload}{BIDI}正文\x00结束",
                "source": f"学会{payload}",
                "category": f"通知{payload}",
                "date": "2021-05-0" + str(n + 1),
                "url": ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
                        "JaVaScRiPt:alert(1)", " javascript:alert(1)", "vbscript:msgbox(1)"][n],
            }
        )
    records.append(
        {"id": "hostile-bidi\u202e", "title": "双向\u202e文字\u202c测试", "body": BODY + "\u202e\x00"}
    )
    records.append({"id": "<img src=x onerror=alert(9)>", "title": "标识符注入", "body": BODY})
    return records


#: Inputs and what must become of them: "indexed" (inert) or "rejected" (with a reason).
EXPECTED = {
    "feed.jsonl": "indexed",
    "huge_body.jsonl": "indexed",
    "many_lines.txt": "indexed",
    "invalid_utf8.txt": "rejected",
    "truncated.jsonl.gz": "rejected",
    "deep.html": "indexed",
    "wide.html": "indexed",
    "plain.jsonl": "indexed",
}


def write_hostile_corpus(folder: Path, scale: float = 1.0) -> dict[str, str]:
    """Write every hostile input into ``folder``; return file name → expected outcome. ``scale`` < 1
    shrinks the 10 MB body and the 100,000-line file (the fast tests use 0.02)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in hostile_records()]
    # Ids no URL can address are rejected with a reason, and the lines after them still indexed.
    lines.insert(1, json.dumps({"id": "../../etc/passwd", "title": "路径", "body": BODY}, ensure_ascii=False))
    lines.insert(2, json.dumps({"id": "nul\x00id", "title": "空字符", "body": BODY}, ensure_ascii=False))
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    huge = {"id": "huge-body", "title": "超长正文", "body": (BODY * 200_000)[: int(10_000_000 * scale) // 3]}
    (folder / "huge_body.jsonl").write_text(json.dumps(huge, ensure_ascii=False) + "\n", encoding="utf-8")
    many = "".join(f"第{n}行：{BODY}\n" for n in range(int(100_000 * scale)))
    (folder / "many_lines.txt").write_text("十万行文件\n" + many, encoding="utf-8")
    invalid = "无效编码\n".encode() + b"\xff\xfe\xc3\x28" + BODY.encode() + b"\x80"
    (folder / "invalid_utf8.txt").write_bytes(invalid)
    full = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))
    (folder / "truncated.jsonl.gz").write_bytes(full[: len(full) // 2])
    deep = "<div>" * 10_000 + f"<p>{BODY}{PAYLOADS[0]}</p>" + "</div>" * 10_000
    (folder / "deep.html").write_text(f"<html><head><title>深层嵌套</title></head><body>{deep}</body></html>",
                                      encoding="utf-8")
    wide = "".join(f"<span>{n}{BODY[:4]}</span>" for n in range(10_000))
    (folder / "wide.html").write_text(f"<html><head><title>一万元素</title></head><body><p>{wide}</p>"
                                      f"{PAYLOADS[1]}</body></html>", encoding="utf-8")
    plain = {"id": "plain-after", "title": "批处理继续", "body": BODY}
    (folder / "plain.jsonl").write_text(json.dumps(plain, ensure_ascii=False) + "\n", encoding="utf-8")
    return dict(EXPECTED)
