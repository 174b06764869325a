"""Write docs/audit-rules.md from the audit's rule table (provider/github_runner_groups/audit/rules.py).

python scripts/audit_rules_doc.py          # rewrite it
python scripts/audit_rules_doc.py --check  # exit 1 if it is not current
"""

from __future__ import annotations

import sys
from pathlib import Path

from github_runner_groups.audit.rules import rules_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "audit-rules.md"


def main(argv: list[str]) -> int:
    if "--check" in argv:
        current = DOC.read_text() if DOC.exists() else ""
        if current != rules_markdown():
            print("docs/audit-rules.md is not current; run scripts/audit_rules_doc.py")
            return 1
        return 0
    DOC.write_text(rules_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
