"""People, organizations and places named in an announcement (canonical Simplified names).

jieba's part-of-speech tags alone are noisy on this text (``城市``/``深度`` as places, ``杰出青年`` as a
person, unknown names cut into single characters), so extraction combines, over ONE shared jieba pass
(:func:`search.analysis.segment`, HMM off):

* the shared lexicon (``search/data/lexicon.tsv``): known names of every type, and aliases merged to one
  canonical name (``中國科協`` = ``中国科协`` = ``中国科学技术协会`` → ``中国科协``);
* organization suffix rules: a word ending in ``学会``, ``协会``, ``大学``, ``研究所``, ``委员会`` … (or a
  single-character head ``部``/``局``/``委``/``院`` … after a name part) extended to the left over name
  parts (places, nouns, other organizations) up to a function word, verb, title or punctuation;
  an organization nested in a longer one is dropped (guidelines §2: the parent counts only on its own);
* person rules on characters (unknown names are usually cut into single characters): a surname (single
  or compound) + 1–2 given characters right before a title (``王小谟院士``, ``江小涓女士``) or right after
  a role (``主席万钢``, ``书记处书记吕昭平``), names listed with ``、`` next to a confirmed name, and
  dictionary or lexicon person words in the same contexts; transliterated names with an interpunct
  (``奥拉夫·朔尔茨``) or after a title;
* places: lexicon places, the gazetteer (``indexer/data/gazetteer.tsv``, generated from JioNLP's data by
  ``scripts/build_gazetteer.py``: every Chinese administrative unit, the world's countries, capitals and
  regions; short forms that are common words only in a place context), jieba ``ns`` words not on a
  stoplist (``城市``, ``深度``, ``全国``, ``海外`` …), and words ending in an administrative suffix
  (``省 市 县 区 镇 村 新区``); places inside organization, event or document names are not places of the
  document;
* filters: no single characters, a stoplist of generic words.

Everything is matched on the normalized text (Simplified, half-width) and reported in Simplified with the
original case of Latin letters; offsets are offsets into the input (normalization preserves length).

The package: :mod:`.tables` (word tables), :mod:`.flags` (what the rules know about one word, cached),
:mod:`.orgs`, :mod:`.people`, :mod:`.places` (the rules of each type), :mod:`.mentions` (them combined).
"""

from .flags import entity_forms
from .mentions import Entities, Mention, entities_of, extract_entities, find_mentions

__all__ = ["Entities", "Mention", "extract_entities", "entities_of", "find_mentions", "entity_forms"]
