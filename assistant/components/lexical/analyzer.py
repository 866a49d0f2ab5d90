"""German text analysis for the lexical (BM25) index.

``GermanAnalyzer`` turns text into index terms:

1. Unicode NFC, soft hyphens and zero-width characters removed (they would split words);
2. tokens by the regular expression ``[^\\W_]+`` (letters and digits of any script; so
   "Baden-Württemberg" gives "baden" and "württemberg");
3. lowercasing;
4. stop words dropped (looked up before folding and stemming, so the lists stay readable);
5. umlaut/ß folding (``ascii``: ä->a, ö->o, ü->u, ß->ss; ``digraph``: ä->ae, ...);
6. Snowball German stemming (PyStemmer); the stemmer itself also maps ä/ö/ü to a/o/u, ß to ss
   and the spellings ae/oe/ue to umlauts, so "Krankenhäuser", "Krankenhaeuser" and
   "Krankenhaus" all become "krankenhaus";
7. compound handling (``compounds="ngrams"``): every word of at least ``ngram_min_len``
   characters also emits its character ``ngram_size``-grams (lowercased and folded, not
   stemmed), marked with a leading ``#`` so they never collide with a word term.
   ``LexicalIndex`` scores them as a second, down-weighted field, so that
   "Finanzierung" finds "Krankenhausfinanzierung".

The defaults (ascii folding, the ``core`` stop list, stemming, 3-grams of words of 4+ letters)
were chosen on the dev half of GermanQuAD with ``bench/tune_lexical.py``: MRR@10 0.951 on dev
against 0.936 without n-grams; with stemming the three folding settings give (nearly) the
same result, since the stemmer folds umlauts itself.

Analysis is cached per distinct word: ``tokenize_many`` (and ``LexicalIndex.add``) collect
the distinct words of all texts first and stem the new ones with one ``Stemmer.stemWords``
call.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from itertools import chain
from typing import Any, Literal

import Stemmer

from ingest.normalize import without_invisible

__all__ = [
    "STOPWORDS_DE_CORE",
    "STOPWORDS_DE_EXTENDED",
    "STOPWORD_LISTS",
    "GermanAnalyzer",
]

TOKEN_RE = re.compile(r"[^\W_]+")
_FOLD_ASCII = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})
_FOLD_DIGRAPH = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})

# Function words: the Snowball German stop list plus question words, auxiliaries and common
# abbreviations. Only words that carry no topic of their own.
STOPWORDS_DE_CORE: frozenset[str] = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
    anderm andern anders auch auf aus bei beim bin bis bist bzw ca da dabei dadurch dafür daher
    damit dann daran darauf daraus darin darum darüber das dass dasselbe davon dazu daß dein deine
    deinem deinen deiner deines dem demselben den denen denn denselben der deren derer derselbe
    derselben des deshalb desselben dessen dich die dies diese dieselbe dieselben diesem diesen
    dieser dieses dir doch dort du durch ein eine einem einen einer eines einig einige einigem
    einigen einiger einiges einmal er es etc etwa etwas euch euer eure eurem euren eurer eures für
    gegen gewesen hab habe haben hast hat hatte hatten hattest hattet hier hin hinter ich ihm ihn
    ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist ja jede jedem jeden jeder jedes
    jedoch jene jenem jenen jener jenes jetzt kann kannst kein keine keinem keinen keiner keines
    können könnt könnte man manche manchem manchen mancher manches mein meine meinem meinen meiner
    meines mich mir mit muss musst musste muß mußt müssen müßt nach nachdem nein nicht nichts noch
    nun nur ob oder ohne sehr seid sei sein seine seinem seinen seiner seines seit selbst sich sie
    sind so solche solchem solchen solcher solches soll sollen sollst sollt sollte sollten sondern
    sonst soweit sowie sowohl um und uns unser unsere unserem unseren unserer unseres unter usw
    viel vom von vor wann war waren warst warum was weil welche welchem welchen welcher welches
    wem wen wenn wer werde werden werdet weshalb wessen wie wieder wieso wieviel will wir wird
    wirst wo wodurch woher wohin womit worden wurde wurden während wäre würde würden zu zum zur
    zwar zwischen über
    """.split()
)

# The German list of stopwords-iso (MIT licence, github.com/stopwords-iso/stopwords-de, the
# sources behind `stopwordsiso` 0.7.1): 616 words that the token pattern can produce. It also
# holds some content words (jahr, zeit, recht, ordnung, mensch, numbers), which helps on
# Wikipedia questions ("In welchem Jahr ...?").
STOPWORDS_DE_EXTENDED: frozenset[str] = frozenset(
    """
    a ab aber ach acht achte achten achter achtes ag alle allein allem allen aller allerdings alles
    allgemeinen als also am an ander andere anderem anderen anderer anderes anderm andern anderr anders
    au auch auf aus ausser ausserdem außer außerdem b bald bei beide beiden beim beispiel bekannt
    bereits besonders besser besten bin bis bisher bist c d da dabei dadurch dafür dagegen daher
    dahin dahinter damals damit danach daneben dank dann daran darauf daraus darf darfst darin darum
    darunter darüber das dasein daselbst dass dasselbe davon davor dazu dazwischen daß dein deine deinem
    deinen deiner deines dem dementsprechend demgegenüber demgemäss demgemäß demselben demzufolge den
    denen denn denselben der deren derer derjenige derjenigen dermassen dermaßen derselbe derselben des
    deshalb desselben dessen deswegen dich die diejenige diejenigen dies diese dieselbe dieselben diesem
    diesen dieser dieses dir doch dort drei drin dritte dritten dritter drittes du durch durchaus durfte
    durften dürfen dürft e eben ebenso ehrlich ei eigen eigene eigenen eigener eigenes ein einander eine
    einem einen einer eines einig einige einigem einigen einiger einiges einmal eins elf en ende endlich
    entweder er ernst erst erste ersten erster erstes es etwa etwas euch euer eure eurem euren eurer
    eures f folgende früher fünf fünfte fünften fünfter fünftes für g gab ganz ganze ganzen ganzer
    ganzes gar gedurft gegen gegenüber gehabt gehen geht gekannt gekonnt gemacht gemocht gemusst genug
    gerade gern gesagt geschweige gewesen gewollt geworden gibt ging gleich gott gross grosse grossen
    grosser grosses groß große großen großer großes gut gute guter gutes h hab habe haben habt hast hat
    hatte hatten hattest hattet heisst her heute hier hin hinter hoch hätte hätten i ich ihm ihn ihnen
    ihr ihre ihrem ihren ihrer ihres im immer in indem infolgedessen ins irgend ist j ja jahr jahre
    jahren je jede jedem jeden jeder jedermann jedermanns jedes jedoch jemand jemandem jemanden jene
    jenem jenen jener jenes jetzt k kam kann kannst kaum kein keine keinem keinen keiner keines kleine
    kleinen kleiner kleines kommen kommt konnte konnten kurz können könnt könnte l lang lange leicht
    leide lieber los m machen macht machte mag magst mahn mal man manche manchem manchen mancher manches
    mann mehr mein meine meinem meinen meiner meines mensch menschen mich mir mit mittel mochte mochten
    morgen muss musst musste mussten muß mußt möchte mögen möglich mögt müssen müsst müßt n na nach
    nachdem nahm natürlich neben nein neue neuen neun neunte neunten neunter neuntes nicht nichts nie
    niemand niemandem niemanden noch nun nur o ob oben oder offen oft ohne ordnung p q r recht rechte
    rechten rechter rechtes richtig rund s sa sache sagt sagte sah satt schlecht schluss schon sechs
    sechste sechsten sechster sechstes sehr sei seid seien sein seine seinem seinen seiner seines seit
    seitdem selbst sich sie sieben siebente siebenten siebenter siebentes sind so solang solche solchem
    solchen solcher solches soll sollen sollst sollt sollte sollten sondern sonst soweit sowie später
    startseite statt steht suche t tag tage tagen tat teil tel tritt trotzdem tun u uhr um und uns unse
    unsem unsen unser unsere unserer unses unter v vergangenen viel viele vielem vielen vielleicht vier
    vierte vierten vierter viertes vom von vor w wahr wann war waren warst wart warum was weg wegen weil
    weit weiter weitere weiteren weiteres welche welchem welchen welcher welches wem wen wenig wenige
    weniger weniges wenigstens wenn wer werde werden werdet weshalb wessen wie wieder wieso will willst
    wir wird wirklich wirst wo woher wohin wohl wollen wollt wollte wollten worden wurde wurden während
    währenddem währenddessen wäre würde würden x y z zehn zehnte zehnten zehnter zehntes zeit zu
    zuerst zugleich zum zunächst zur zurück zusammen zwanzig zwar zwei zweite zweiten zweiter zweites
    zwischen zwölf über überhaupt übrigens
    """.split()
)

STOPWORD_LISTS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "core": STOPWORDS_DE_CORE,
    "extended": STOPWORDS_DE_EXTENDED,
}

_CACHE_LIMIT = 1_000_000  # distinct raw tokens kept in the analysis cache

Fold = Literal["none", "ascii", "digraph"]
Compounds = Literal["none", "ngrams"]


@dataclass(frozen=True)
class GermanAnalyzer:
    """Options of the German analysis chain; equal options mean equal terms.

    ``stopwords`` names a list in ``STOPWORD_LISTS``: ``"core"`` (function and question
    words), ``"extended"`` (stopwords-iso, also drops some content words such as "jahr") or
    ``"none"``. ``compounds="ngrams"`` adds, for every word of at least ``ngram_min_len``
    characters, its character ``ngram_size``-grams as extra terms ``#xxx`` (after
    lowercasing and folding, before stemming).
    """

    lowercase: bool = True
    fold: Fold = "ascii"
    stem: bool = True
    stopwords: str = "core"
    compounds: Compounds = "ngrams"
    ngram_size: int = 3
    ngram_min_len: int = 4

    _stop: frozenset[str] = field(init=False, repr=False, compare=False)
    _stemmer: Any = field(init=False, repr=False, compare=False)
    _cache: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.fold not in ("none", "ascii", "digraph"):
            raise ValueError(f"fold must be 'none', 'ascii' or 'digraph', not {self.fold!r}")
        if self.stopwords not in STOPWORD_LISTS:
            raise ValueError(f"stopwords must be one of {sorted(STOPWORD_LISTS)}, not {self.stopwords!r}")
        if self.compounds not in ("none", "ngrams"):
            raise ValueError(f"compounds must be 'none' or 'ngrams', not {self.compounds!r}")
        if self.ngram_size < 2 or self.ngram_min_len < self.ngram_size:
            raise ValueError("need 2 <= ngram_size <= ngram_min_len")
        object.__setattr__(self, "_stop", STOPWORD_LISTS[self.stopwords])
        object.__setattr__(self, "_stemmer", Stemmer.Stemmer("german") if self.stem else None)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_lock", threading.Lock())

    # -- configuration ------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The options as a JSON-able dict; ``GermanAnalyzer(**config)`` rebuilds it."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GermanAnalyzer:
        return cls(**config)

    # -- analysis -----------------------------------------------------------------------

    def words(self, text: str) -> list[str]:
        """Tokens of ``text`` (NFC, invisible characters removed, lowercased if so configured),
        before stop words, folding and stemming."""
        if not text:
            return []
        if not text.isascii():
            text = without_invisible(unicodedata.normalize("NFC", text))
        if self.lowercase:
            text = text.lower()
        return TOKEN_RE.findall(text)

    def _fold(self, word: str) -> str:
        if self.fold == "none" or word.isascii():
            return word
        return word.translate(_FOLD_ASCII if self.fold == "ascii" else _FOLD_DIGRAPH)

    def analyze_words(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Terms of each distinct word from ``words()`` (empty for a stop word).

        Cached; the words not yet in the cache are stemmed with one ``stemWords`` call."""
        cache = self._cache
        local = {w: cache.get(w) for w in words}
        todo = [w for w, terms in local.items() if terms is None]
        if not todo:
            return local  # type: ignore[return-value]
        stop = self._stop
        if self.lowercase:
            keep = [w for w in todo if w not in stop]
        else:
            keep = [w for w in todo if w.lower() not in stop]
        folded = [self._fold(w) for w in keep]
        if self._stemmer is not None and folded:
            with self._lock:  # PyStemmer objects are not thread-safe
                stems = self._stemmer.stemWords(folded)
        else:
            stems = folded
        result: dict[str, tuple[str, ...]] = dict.fromkeys(todo, ())
        if self.compounds == "ngrams":
            n, min_len = self.ngram_size, self.ngram_min_len
            for w, f, stem in zip(keep, folded, stems, strict=True):
                if len(f) >= min_len:
                    result[w] = (stem, *(f"#{f[j : j + n]}" for j in range(len(f) - n + 1)))
                else:
                    result[w] = (stem,)
        else:
            result.update(zip(keep, ((stem,) for stem in stems), strict=True))
        local.update(result)
        with self._lock:
            if len(cache) + len(result) > _CACHE_LIMIT:
                cache.clear()
            cache.update(result)
        return local  # type: ignore[return-value]

    @staticmethod
    def _map(words: list[str], terms: dict[str, tuple[str, ...]]) -> list[str]:
        return list(chain.from_iterable(map(terms.__getitem__, words)))

    def tokenize(self, text: str) -> list[str]:
        """Index terms of ``text`` in order (a word may give more than one term with n-grams)."""
        words = self.words(text)
        return self._map(words, self.analyze_words(set(words)))

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        """``tokenize`` for many texts; every distinct word is analysed once."""
        words = [self.words(t) for t in texts]
        distinct: set[str] = set()
        for ws in words:
            distinct.update(ws)
        terms = self.analyze_words(distinct)
        return [self._map(ws, terms) for ws in words]

    def content_terms(self, text: str) -> set[str]:
        """Distinct word stems of ``text`` without stop words and without n-gram terms.

        Stop words are dropped even when this analyzer keeps them for indexing (the list in
        ``stopwords``, or the extended list if that is ``"none"``), so that the answerer can
        measure how many of a question's content words a sentence shares.
        """
        stop = self._stop or STOPWORDS_DE_EXTENDED
        distinct = {w for w in self.words(text) if w.lower() not in stop}
        terms = self.analyze_words(distinct)
        return {t for w in distinct for t in terms[w] if not t.startswith("#")}

    def __getstate__(self) -> dict[str, Any]:  # pickling (e.g. to worker processes)
        return self.config()

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            object.__setattr__(self, k, v)
        self.__post_init__()
