"""A synthetic German corpus of strategy and network documents, deterministic and as large as needed.

Every document is Markdown: a title, then sections (``## 1. Ausgangslage`` …) of paragraphs about
clusters, hospital alliances, funding, regions, measures, numbers and dates, drawn from word lists
and sentence templates with a seeded RNG. A section holds about one chunk of text at the product's
default chunk size (200 model tokens), so a document of M sections becomes roughly M chunks.

Each document carries one unique fact about its own project (who heads the coordination office,
the funding sum, the start of the pilot phase, …) in a random section, and a question about it:
the right answer is known, so load and scale runs can report a hit rate. Document ``i`` depends
only on (seed, i, sections), never on how many documents are generated.

    .venv/bin/python bench/synthetic.py [--docs 3] [--sections 4] [--seed 7] [--out DIR]

prints the documents and their questions, or with ``--out`` writes ``<id>.md`` files and
``questions.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# fmt: off
REGIONS = [
    ("NRW", "Nordrhein-Westfalen", ["Ostwestfalen-Lippe", "Münsterland", "Ruhrgebiet", "Rheinland", "Sauerland"]),
    ("BW", "Baden-Württemberg", ["Südbaden", "Nordschwarzwald", "Bodensee-Oberschwaben", "Rhein-Neckar", "Ostwürttemberg"]),
    ("BY", "Bayern", ["Oberfranken", "Niederbayern", "Allgäu", "Oberpfalz", "Mittelfranken"]),
    ("NI", "Niedersachsen", ["Weser-Ems", "Lüneburger Heide", "Südniedersachsen", "Ostfriesland"]),
    ("HE", "Hessen", ["Nordhessen", "Mittelhessen", "Rhein-Main", "Osthessen"]),
    ("SN", "Sachsen", ["Erzgebirge", "Oberlausitz", "Vogtland", "Leipziger Land"]),
    ("SH", "Schleswig-Holstein", ["Dithmarschen", "Ostholstein", "Nordfriesland"]),
    ("RP", "Rheinland-Pfalz", ["Westpfalz", "Eifel", "Hunsrück", "Rheinhessen"]),
    ("BB", "Brandenburg", ["Uckermark", "Lausitz", "Prignitz", "Havelland"]),
    ("MV", "Mecklenburg-Vorpommern", ["Vorpommern", "Mecklenburgische Seenplatte", "Westmecklenburg"]),
    ("TH", "Thüringen", ["Ostthüringen", "Südthüringen", "Nordthüringen"]),
    ("ST", "Sachsen-Anhalt", ["Altmark", "Harz", "Anhalt-Bitterfeld"]),
]
DOCUMENT_TYPES = ["strategy_paper", "network_description", "funding_notice", "progress_report", "concept"]
TYPE_TITLES = {
    "strategy_paper": "Strategiepapier",
    "network_description": "Netzwerkbeschreibung",
    "funding_notice": "Förderbescheid und Projektskizze",
    "progress_report": "Zwischenbericht",
    "concept": "Versorgungskonzept",
}
# Project names: a field of care and a made-up place, combined by index so that no two collide.
FIELDS = [
    "Telemedizinnetz", "Schlaganfallverbund", "Herzzentrum", "Onkologienetz", "Geriatrieverbund",
    "Notfallnetz", "Pflegecampus", "Versorgungsnetz", "Traumanetzwerk", "Kinderklinikverbund",
    "Palliativnetz", "Psychiatrieverbund", "Digitallabor", "Gesundheitsverbund", "Lotsenprojekt",
    "Diabetesnetz", "Demenznetz", "Rettungsverbund", "Praxisnetz", "Forschungsverbund",
    "Klinikverbund", "Versorgungscluster", "Innovationscampus", "Datenintegrationszentrum",
    "Ambulanzverbund", "Infektiologienetz", "Perinatalzentrum", "Rehaverbund", "Hausarztnetz",
    "Gefäßzentrum", "Sektorenverbund", "Medizincampus", "Pflegenetzwerk", "Lungenzentrum",
    "Schmerzverbund", "Transplantationsnetz", "Hospiznetz", "Apothekennetz", "Präventionsnetz", "Kliniklabor",
]
PLACE_HEADS = [
    "Alt", "Bern", "Dorn", "Eich", "Falk", "Grün", "Hag", "Ilm", "Kalt", "Lind", "Mar", "Neu", "Ober",
    "Rot", "Sand", "Tann", "Unter", "Wald", "Weiß", "Wend", "Birk", "Buch", "Elm", "Fried", "Gold",
    "Hohen", "Kirch", "Lauten", "Moos", "Rosen", "Schön", "Stein", "Tal", "Wolf", "Ahl", "Brenn",
    "Dill", "Erl", "Hasel", "Kron",
]
PLACE_TAILS = [
    "bach", "berg", "bruck", "burg", "dorf", "feld", "hagen", "hausen", "heim", "hof", "ingen", "kirchen",
    "lingen", "rode", "stadt", "stedt", "tal", "weiler", "wald", "au", "beck", "born", "brunn", "furt",
    "gart", "horst", "kamp", "leben", "mark", "münde", "ried", "see", "stein", "wang", "werder", "wiese",
    "winkel", "zell", "loh", "mühle",
]
FIRST_NAMES = [
    "Anna", "Birgit", "Claudia", "Doris", "Elke", "Franziska", "Gabriele", "Hanna", "Ines", "Julia",
    "Katrin", "Lena", "Miriam", "Nadine", "Petra", "Sabine", "Tanja", "Ute", "Vera", "Yvonne",
    "Andreas", "Bernd", "Christian", "Dirk", "Emil", "Frank", "Georg", "Heiko", "Jens", "Klaus",
    "Lars", "Markus", "Nils", "Oliver", "Peter", "Ralf", "Stefan", "Thomas", "Uwe", "Wolfgang",
]
LAST_NAMES = [
    "Albers", "Brandt", "Conrad", "Dietrich", "Engel", "Fischer", "Graf", "Hartmann", "Jung", "Keller",
    "Lorenz", "Meier", "Neumann", "Otto", "Peters", "Richter", "Schulte", "Thiel", "Vogt", "Weber",
    "Ziegler", "Bauer", "Krüger", "Lange", "Möller", "Pohl", "Roth", "Seidel", "Winter", "Ulrich",
]
TITLES = ["Dr.", "Prof. Dr.", "Dr. med.", ""]
INSTITUTIONS = [
    "Universitätsklinikum", "Kreiskrankenhaus", "Städtisches Klinikum", "Fachklinik", "Evangelisches Krankenhaus",
    "St.-Marien-Hospital", "Klinikum", "Medizinisches Versorgungszentrum", "Herz- und Gefäßzentrum",
    "Bezirkskrankenhaus",
]
TOPICS = [
    "Telemedizin", "Notfallversorgung", "Geriatrie", "Onkologie", "Schlaganfallversorgung", "Pflegeausbildung",
    "Patientenakte", "Versorgungsforschung", "Prävention", "Kinder- und Jugendmedizin",
    "Palliativversorgung", "psychiatrische Versorgung", "Rettungsdienst", "hausärztliche Versorgung",
    "sektorenübergreifende Versorgung", "Ambulantisierung", "Medizininformatik", "künstliche Intelligenz",
    "IT-Sicherheit", "Entlassmanagement", "Fachkräftesicherung", "Infektionsschutz", "Telepathologie",
    "Teleradiologie", "Arzneimitteltherapiesicherheit", "Rehabilitation", "Seltene Erkrankungen",
]
FUNDERS = [
    "Krankenhauszukunftsfonds", "Innovationsfonds des Gemeinsamen Bundesausschusses", "Landesministerium für Gesundheit",
    "Europäischen Fonds für regionale Entwicklung", "Bundesministerium für Gesundheit", "Krankenhausstrukturfonds",
    "Landesförderprogramm Digitale Gesundheit", "Stiftung Gesundheitsregion",
]
PARTNERS = [
    "Krankenkassen", "Kassenärztliche Vereinigung", "Landkreise", "Hochschulen", "Pflegeschulen", "Rettungsdienste",
    "Selbsthilfegruppen", "Apotheken", "Kommunen", "Ärztekammer", "Landeskrankenhausgesellschaft", "Forschungsinstitute",
]
MEASURES = [
    "eine gemeinsame Telekonsil-Plattform", "digitale Bettenbelegungsübersichten", "ein regionales Patientenportal",
    "standardisierte Überleitungsbögen", "eine zentrale Leitstelle", "mobile Pflegeteams", "ein Rotationsprogramm für Assistenzärzte",
    "eine gemeinsame Einkaufsgemeinschaft", "ein Frühwarnsystem für Kapazitätsengpässe", "Videosprechstunden in Landarztpraxen",
    "ein Register für Behandlungsergebnisse", "Fallkonferenzen per Video", "ein Ausbildungsverbund für Pflegefachkräfte",
    "die elektronische Medikationsliste", "gemeinsame Qualitätsindikatoren", "ein Netz von Gesundheitskiosken",
]
MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember",
]
SECTION_TITLES = [
    "Ausgangslage", "Ziele und Leitbild", "Handlungsfelder", "Maßnahmen", "Finanzierung", "Organisation und Steuerung",
    "Regionale Umsetzung", "Zeitplan und Meilensteine", "Beteiligte Einrichtungen", "Qualität und Evaluation",
    "Digitalisierung", "Personal und Ausbildung", "Ergebnisse des ersten Jahres", "Ausblick",
]
# Sentence templates; {slots} are filled from the lists above. Several per section, never the same
# template twice in one document (the clean-up step drops lines a scrape repeats).
SENTENCES = [
    "Im {region} arbeiten {n_clinics} Kliniken im {project} zusammen, um {topic} gemeinsam weiterzuentwickeln.",
    "Das {institution} {place} übernimmt dabei die Rolle des koordinierenden Hauses.",
    "Seit dem {date} beteiligen sich auch {partner} und {partner2} an der Arbeit des Verbundes.",
    "Für {topic} stehen bis {year_end} insgesamt {amount} aus dem {funder} bereit.",
    "Ein Schwerpunkt liegt auf {topic}; hierfür wird {measure} aufgebaut.",
    "Die Lenkungsgruppe tagt {frequency} und berichtet dem Beirat über den Stand der Umsetzung.",
    "In {region2} sollen bis {year_end} weitere {n_small} Häuser angebunden werden.",
    "Nach einer Erhebung aus dem Jahr {year} fehlen in der Region rund {n_staff} Pflegefachkräfte.",
    "Die Wartezeit auf einen Facharzttermin sank im ersten Projektjahr um {percent} Prozent.",
    "{measure_cap} wurde im {month} {year} in Betrieb genommen und wird von {n_small} Standorten genutzt.",
    "Die Partner verpflichten sich, gemeinsame Standards für {topic} bis zum {date} zu vereinbaren.",
    "Zur Evaluation hat der Verbund die {university} beauftragt; erste Ergebnisse werden für {year_end} erwartet.",
    "Im Handlungsfeld {topic} arbeiten {n_small} Arbeitsgruppen mit Vertreterinnen und Vertretern aller Partner.",
    "Die Landesregierung von {state} unterstützt das Vorhaben im Rahmen ihrer Krankenhausplanung.",
    "Rund {n_patients} Patientinnen und Patienten wurden bislang über {measure} versorgt.",
    "Die Investitionen verteilen sich auf {percent} Prozent Technik, der Rest fließt in Personal und Schulungen.",
    "Kleinere Häuser im ländlichen Raum profitieren besonders von {measure}.",
    "Für {topic} wurde ein eigener Qualitätszirkel eingerichtet, der {frequency} zusammenkommt.",
    "Der Verbund strebt an, bis {year_end} alle Partner an {measure} anzuschließen.",
    "Die Erfahrungen aus {region2} fließen in die landesweite Strategie für {topic} ein.",
    "Ein gemeinsames Datenschutzkonzept regelt, welche Daten zwischen den {n_clinics} Kliniken ausgetauscht werden.",
    "Die {partner} begleiten das Projekt mit einer eigenen Begleitforschung zu {topic}.",
    "Im Jahr {year} wurden {n_patients} telemedizinische Konsile über den Verbund abgerechnet.",
    "Der Aufbau von {measure} kostet nach aktueller Planung {amount}.",
    "Ein Beirat aus {n_small} Fachleuten berät die Geschäftsstelle zu {topic}.",
    "Die Projektlaufzeit endet am {date}; eine Verstetigung über die Regelversorgung wird angestrebt.",
    "Die Fortbildungsreihe zu {topic} erreichte im vergangenen Jahr {n_staff} Teilnehmende.",
    "Die Notaufnahmen der {n_small} Partnerkliniken stimmen ihre Aufnahmekapazitäten täglich ab.",
]
FREQUENCIES = ["monatlich", "vierteljährlich", "zweimal im Jahr", "alle sechs Wochen", "wöchentlich"]
UNIVERSITIES = [
    "Universität Bielefeld", "Hochschule Fulda", "Universität Greifswald", "Technische Universität Dresden",
    "Universität Witten/Herdecke", "Hochschule Osnabrück", "Universität Freiburg", "Universität zu Lübeck",
]
# The unique fact of a document: (sentence, question, answer) templates over the project's name.
FACTS = [
    ("Die Koordinierungsstelle des {project} leitet {person}.",
     "Wer leitet die Koordinierungsstelle des {project}?", "{person_name}"),
    ("Für den {project} wurde eine Fördersumme von {amount_fact} bewilligt.",
     "Wie hoch ist die Fördersumme für den {project}?", "{amount_fact}"),
    ("Die Pilotphase des {project} beginnt am {date_fact}.",
     "Wann beginnt die Pilotphase des {project}?", "{date_fact}"),
    ("Am {project} beteiligen sich genau {n_fact} Kliniken aus der Region.",
     "Wie viele Kliniken beteiligen sich am {project}?", "{n_fact} Kliniken"),
    ("Der Sitz der Geschäftsstelle des {project} ist das {institution_fact} in {town_fact}.",
     "Wo hat die Geschäftsstelle des {project} ihren Sitz?", "{town_fact}"),
]

# fmt: on


@dataclass(frozen=True)
class SyntheticDocument:
    doc_id: str
    filename: str
    title: str
    region: str
    document_type: str
    project: str
    markdown: str
    question: str
    answer: str
    fact: str  # the sentence that holds the answer
    fact_section: int  # 0-based section holding the fact

    @property
    def data(self) -> bytes:
        return self.markdown.encode("utf-8")

    def metadata(self) -> dict[str, str]:
        return {"id": self.doc_id, "region": self.region, "document_type": self.document_type}


def project_name(index: int) -> str:
    """A unique, pronounceable project name per index (64 000 before a numeral is appended)."""
    places = len(PLACE_HEADS) * len(PLACE_TAILS)
    place_index = (index * 7919) % places  # a stride coprime to the count: neighbours look different
    place = PLACE_HEADS[place_index // len(PLACE_TAILS)] + PLACE_TAILS[place_index % len(PLACE_TAILS)]
    field = FIELDS[(index // places + index) % len(FIELDS)]
    cycle = index // (places * len(FIELDS))
    return f"{field} {place}" + (f" {cycle + 1}" if cycle else "")


def _amount(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.randint(11, 989) / 100:.2f}".replace(".", ",") + " Millionen Euro"
    return f"{rng.randint(120, 990)}.000 Euro"


def _date(rng: random.Random, first: int = 2019, last: int = 2030) -> str:
    return f"{rng.randint(1, 28)}. {rng.choice(MONTHS)} {rng.randint(first, last)}"


def _person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    title = rng.choice(TITLES)
    return (f"{title} {name}" if title else name), name


def make_document(index: int, sections: int = 10, seed: int = 7, prefix: str = "syn") -> SyntheticDocument:
    """Document ``index`` of the corpus with ``sections`` sections (≈ chunks at 200 tokens)."""
    rng = random.Random(f"{seed}:{index}")
    code, state, subregions = rng.choice(REGIONS)
    project = project_name(index)
    document_type = rng.choice(DOCUMENT_TYPES)
    year = rng.randint(2019, 2026)
    title = f"{TYPE_TITLES[document_type]} {project} {year}"
    town = PLACE_HEADS[rng.randrange(len(PLACE_HEADS))] + PLACE_TAILS[rng.randrange(len(PLACE_TAILS))]
    place = PLACE_HEADS[rng.randrange(len(PLACE_HEADS))] + PLACE_TAILS[rng.randrange(len(PLACE_TAILS))]
    person, person_name = _person(rng)
    fact_values = {
        "project": project, "person": person, "person_name": person_name, "amount_fact": _amount(rng),
        "date_fact": _date(rng, 2024, 2030), "n_fact": str(rng.randint(3, 60)),
        "institution_fact": rng.choice(INSTITUTIONS), "town_fact": town,
    }  # fmt: skip
    fact_sentence, question, answer = (t.format(**fact_values) for t in rng.choice(FACTS))
    fact_section = rng.randrange(sections)

    def slots() -> dict[str, str]:
        partner, partner2 = rng.sample(PARTNERS, 2)
        topic = rng.choice(TOPICS)
        measure = rng.choice(MEASURES)
        return {
            "region": f"{rng.choice(['Raum', 'Gebiet', 'Landkreis', 'Versorgungsgebiet'])} {rng.choice(subregions)}",
            "region2": rng.choice(subregions), "state": state, "project": project, "topic": topic,
            "measure": measure, "measure_cap": measure[0].upper() + measure[1:],
            "institution": rng.choice(INSTITUTIONS), "place": place, "partner": partner, "partner2": partner2,
            "funder": rng.choice(FUNDERS), "amount": _amount(rng), "date": _date(rng), "year": str(rng.randint(2015, 2025)),
            "year_end": str(rng.randint(2025, 2032)), "month": rng.choice(MONTHS), "n_clinics": str(rng.randint(4, 40)),
            "n_small": str(rng.randint(2, 12)), "n_staff": str(rng.randint(40, 2400)),
            "n_patients": f"{rng.randint(300, 48000):,}".replace(",", "."), "percent": str(rng.randint(5, 65)),
            "frequency": rng.choice(FREQUENCIES), "university": rng.choice(UNIVERSITIES),
        }  # fmt: skip

    # Templates drawn without replacement per document; refilled only when a long document
    # has used them all (the slots then differ, so no line repeats verbatim).
    pool: list[str] = []

    def sentence() -> str:
        if not pool:
            pool.extend(rng.sample(SENTENCES, len(SENTENCES)))
        return pool.pop().format(**slots())

    headings = rng.sample(SECTION_TITLES, min(sections, len(SECTION_TITLES)))
    lines = [f"# {title}", ""]
    for s in range(sections):
        heading = headings[s] if s < len(headings) else f"{rng.choice(SECTION_TITLES)} ({s + 1})"
        lines += [f"## {s + 1}. {heading}", ""]
        # 60-90 words (≈ 120-180 model tokens of German): one chunk at the default 200-token target.
        paragraphs, words = [], 0
        while words < 60:
            paragraph = " ".join(sentence() for _ in range(rng.randint(2, 3)))
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        if s == fact_section:
            where = rng.randrange(len(paragraphs))
            paragraphs[where] = f"{paragraphs[where]} {fact_sentence}"
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    doc_id = f"{prefix}-{index:06d}"
    return SyntheticDocument(
        doc_id=doc_id, filename=f"{doc_id}.md", title=title, region=code, document_type=document_type,
        project=project, markdown="\n".join(lines), question=question, answer=answer, fact=fact_sentence, fact_section=fact_section,
    )  # fmt: skip


def documents(
    count: int, sections: int = 10, seed: int = 7, start: int = 0, prefix: str = "syn"
) -> Iterator[SyntheticDocument]:
    for index in range(start, start + count):
        yield make_document(index, sections, seed, prefix)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=3)
    parser.add_argument("--sections", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write <id>.md files and questions.jsonl here")
    args = parser.parse_args()
    docs = list(documents(args.docs, args.sections, args.seed))
    if args.out is None:
        for doc in docs:
            print(doc.markdown, f"\nFRAGE: {doc.question}\nANTWORT: {doc.answer}\n", sep="\n")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "questions.jsonl", "w", encoding="utf-8") as fh:
        for doc in docs:
            (args.out / doc.filename).write_text(doc.markdown, encoding="utf-8")
            item = {
                "id": doc.doc_id,
                "question": doc.question,
                "document_id": doc.doc_id,
                "expect": [doc.answer],
            }
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(docs)} documents written to {args.out}")


if __name__ == "__main__":
    main()
