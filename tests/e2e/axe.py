"""axe-core in the page: inject the pinned npm build (``make axe``) and run it with the WCAG 2.1 A/AA rules.

Each run is also written as JSON to test-artifacts/axe/<view>.json; ``bench/axe_report.py`` prints
those files as a table of violations per view and impact (the before/after figures of issue 13).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import PROJECT_DIR

AXE_JS = PROJECT_DIR / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")


def axe_script() -> Path:
    if not AXE_JS.is_file():
        raise FileNotFoundError(
            f"axe-core is missing at {AXE_JS}; install it with `make axe` (npm, pinned version)"
        )
    return AXE_JS


def run_axe(page, view: str, out_dir: Path) -> list[dict]:
    """The violations on the page as it is now, as compact records; the full result goes to ``out_dir``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return {url: location.href, version: axe.version, violations: r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html.slice(0, 300)}))}))};
        }""",
        WCAG_TAGS,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{view}.json").write_text(
        json.dumps({"view": view, **result}, ensure_ascii=False, indent=1), "utf-8"
    )
    return result["violations"]


def blocking(violations: list[dict]) -> list[str]:
    """'rule-id (impact, n nodes: first target)' for every serious or critical violation."""
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×: {v['nodes'][0]['target'] if v['nodes'] else ''})"
        for v in violations
        if v["impact"] in BLOCKING
    ]
