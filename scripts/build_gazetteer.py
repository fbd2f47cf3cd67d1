"""Regenerate ``indexer/data/gazetteer.tsv``, the place gazetteer of entity extraction, from JioNLP's data.

Usage::

    pip install jionlp==1.5.31          # only to regenerate; huixun itself never imports it
    python scripts/build_gazetteer.py [--jionlp DIR] [--out PATH]

``--jionlp`` is the ``jionlp`` package folder (an unpacked wheel will do); by default the installed
package is found without importing it (importing JioNLP loads far more than its two data files).

Sources (JioNLP, Apache-2.0, https://github.com/dongrixinyu/JioNLP; data of 2025-11):

* ``dictionary/china_location.zip``: every Chinese administrative unit down to villages; we take the
  province, prefecture and county levels (Taiwan, Hong Kong and Macau included) with JioNLP's short
  alias of each (``四川省``/``四川``, ``绵阳市``/``绵阳``, ``凉山彝族自治州``/``凉山``), and the form
  without its suffix where JioNLP gives none (Taiwan's and Hong Kong's districts);
* ``dictionary/world_location.txt``: the world's countries (short and official name), capitals and
  major cities, by continent.

Plus :data:`REGIONS`, conventional names of continents, oceans and macro-regions (``东南亚``, ``华南``),
which neither package lists, and :data:`ERRATA`, corrections of misspelt names in the source data.

Output, one name a line, sorted: ``name<TAB>canonical<TAB>level`` where ``level`` is ``province``,
``prefecture``, ``county``, ``country``, ``capital``, ``city`` or ``region``, and a ``-alias`` suffix
marks a short form (``绵阳`` of ``绵阳市``), which extraction trusts less than a full name. ``canonical`` is
the name a facet shows: the short form of a province, prefecture or country when no other unit has the
same short form (``绵阳市`` → ``绵阳``, ``德意志联邦共和国`` → ``德国``), else the name itself. A name
listed under two levels keeps the higher one.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "indexer" / "data" / "gazetteer.tsv"

#: Misspelt names in the source data (JioNLP 1.5.31): wrong → right.
ERRATA = {"苗粟县": "苗栗县", "苗粟": "苗栗"}
#: Administrative suffixes taken off a name to make its short form when the source gives none.
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "新区", "林区", "省", "市", "县", "区", "盟",
            "旗")
#: Continents, oceans and macro-regions with their usual aliases (canonical first).
REGIONS = (
    ("亚洲", "亚细亚洲"), ("欧洲", "欧罗巴洲"), ("非洲", "阿非利加洲"), ("北美洲", "北美"),
    ("南美洲", "南美"),
    ("拉丁美洲", "拉美"), ("大洋洲",), ("南极洲",), ("美洲",), ("中东",), ("东南亚",), ("南亚",), ("东亚",),
    ("西亚",), ("中亚",), ("东北亚",), ("东欧",), ("西欧",), ("北欧",), ("南欧",), ("中欧",), ("亚太",),
    ("印太",), ("北非",), ("西非",), ("东非",), ("南非洲",), ("加勒比",), ("巴尔干",), ("太平洋",),
    ("大西洋",),
    ("印度洋",), ("北冰洋",), ("地中海",), ("波罗的海",), ("南海",), ("东海",), ("黄海",), ("渤海",),
    ("台湾海峡", "台海"), ("华北",), ("华东",), ("华南",), ("华中",), ("长三角", "长江三角洲"),
    ("珠三角", "珠江三角洲"), ("京津冀",), ("粤港澳大湾区", "大湾区"), ("成渝",), ("苏南",), ("苏北",),
    ("皖南",), ("皖北",), ("豫西",), ("陕北",), ("川西",), ("闽南",), ("粤东",), ("粤西",), ("江南",),
    ("中国大陆",), ("港澳",), ("港澳台",),
)
#: Development zones, parks and farms listed among counties: only their full names are taken (their short
#: forms are generic: 产业园, 化工园区).
ZONE_WORDS = ("园区", "开发区", "工业区", "示范区", "管理区", "实验区", "合作区", "经济区", "新区", "产业园",
              "工业园", "科技园", "农场", "林场", "基地", "港区")
LEVEL_RANK = {"province": 0, "country": 0, "prefecture": 1, "capital": 1, "region": 1, "county": 2, "city": 2}


def jionlp_dir(given: str | None) -> Path:
    if given:
        return Path(given)
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("jionlp is not installed: pip install jionlp==1.5.31, or pass --jionlp DIR")
    return Path(list(spec.submodule_search_locations)[0])


def fix(name: str) -> str:
    return ERRATA.get(name, name)


def short_form(name: str) -> str | None:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def china_units(root: Path) -> list[tuple[str, str | None, str]]:
    """(name, alias, level) of every province, prefecture and county unit."""
    with zipfile.ZipFile(root / "dictionary" / "china_location.zip") as zf:
        text = zf.read("china_location.txt").decode("utf-8")
    units = []
    levels = {0: "province", 1: "prefecture", 2: "county"}
    for line in io.StringIO(text):
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2:
            continue
        parts = line.strip().split("\t")
        name = fix(parts[0])
        alias = fix(parts[2]) if len(parts) >= 3 else None
        if name.startswith(("省直辖", "自治区直辖", "县", "市辖区")) or "直辖" in name:
            continue  # grouping rows, not places
        if alias == name or (alias is not None and len(alias) < 2):
            alias = None
        if any(z in name for z in ZONE_WORDS):
            units.append((name, None, levels[depth]))
            continue
        units.append((name, alias or short_form(name), levels[depth]))
    return units


def world(root: Path) -> list[tuple[str, str | None, str]]:
    """(name, canonical, level) of countries (both names), capitals and major cities."""
    out = []
    for line in (root / "dictionary" / "world_location.txt").read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) < 3:
            continue  # a continent heading
        country, full, capital = parts[0], parts[1], parts[2]
        out.append((country, country, "country"))
        out.append((full, country, "country"))
        out.append((capital, capital, "capital"))
        for city in parts[3].split("/") if len(parts) > 3 else []:
            out.append((city, city, "city"))
    return out


def build(root: Path) -> list[tuple[str, str, str]]:
    rows: dict[str, tuple[str, str]] = {}

    def put(name: str, canonical: str, level: str) -> None:
        if len(name) < 2:
            return
        have = rows.get(name)
        base = level.removesuffix("-alias")
        if have is None or LEVEL_RANK[base] < LEVEL_RANK[have[1].removesuffix("-alias")]:
            rows[name] = (canonical, level)

    units = china_units(root)
    alias_count: dict[str, int] = {}
    for _, alias, _ in units:
        if alias:
            alias_count[alias] = alias_count.get(alias, 0) + 1
    for name, alias, level in units:
        unique = alias is not None and alias_count[alias] == 1 and level != "county"
        canonical = alias if unique and alias is not None else name
        put(name, canonical, level)
        if alias:
            put(alias, alias if unique else alias, f"{level}-alias")
    for name, canonical, level in world(root):
        put(name, canonical, level)
    for names in REGIONS:
        for name in names:
            put(name, names[0], "region")
    return sorted((name, canon, level) for name, (canon, level) in rows.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jionlp", help="the jionlp package folder (default: the installed package)")
    parser.add_argument("--out", default=str(OUT), help=f"output file (default {OUT.relative_to(REPO)})")
    args = parser.parse_args()
    rows = build(jionlp_dir(args.jionlp))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# Generated by scripts/build_gazetteer.py from JioNLP 1.5.31 (Apache-2.0); do not edit.\n")
        fh.write("# name\tcanonical\tlevel\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    print(f"{len(rows)} names → {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
