"""Prints the axe-core results that tests/e2e/test_accessibility.py wrote: violations per view, by impact.

python bench/axe_report.py [test-artifacts/axe]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

IMPACTS = ("critical", "serious", "moderate", "minor")


def report(directory: Path) -> str:
    files = sorted(directory.glob("*.json"))
    if not files:
        return f"no axe results in {directory} (run: pytest tests/e2e/test_accessibility.py)"
    lines = [f"{'view':36} " + " ".join(f"{i:>8}" for i in IMPACTS) + "  rules (impact, nodes)"]
    for path in files:
        result = json.loads(path.read_text("utf-8"))
        violations = result["violations"]
        counts = Counter(v["impact"] for v in violations)
        rules = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in violations) or "–"
        lines.append(
            f"{result['view']:36} " + " ".join(f"{counts.get(i, 0):>8}" for i in IMPACTS) + f"  {rules}"
        )
    version = json.loads(files[0].read_text("utf-8")).get("version", "?")
    return "\n".join([f"axe-core {version}, WCAG 2.1 A/AA rules; count = violated rules", *lines])


if __name__ == "__main__":
    print(
        report(
            Path(sys.argv[1])
            if len(sys.argv) > 1
            else Path(__file__).resolve().parents[1] / "test-artifacts" / "axe"
        )
    )
