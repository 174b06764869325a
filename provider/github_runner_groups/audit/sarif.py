"""The audit as SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

Rule ids are the rule table's; each result carries `partialFingerprints` (the finding's fingerprint, so code
scanning tracks it across runs) and a location: the line of the spec file where the group is declared, or, for
a finding without such a line, line 1 of the spec file (or of `STAND_IN` when there is no spec): code scanning
needs a file location for every result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .._version import __version__
from ..safe_yaml import YamlProblem, load
from .findings import Finding
from .rules import RULES, RULES_BY_ID

STAND_IN = "runner-groups.yaml"  # where org-wide findings point without --spec (documented in docs/audit.md)
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.0", "low": "3.0", "info": "0.0"}


def declaration_lines(spec_text: str) -> dict[str, int]:
    """Group name (folded) -> the 1-based line where the spec declares it under `groups:`."""
    if not spec_text:
        return {}
    try:
        _document, lines = load(spec_text)
    except YamlProblem:
        return {}
    return {str(name).lower(): int(line) for name, line in lines.items()}


def _rule(rule_id: str) -> dict[str, Any]:
    rule = RULES_BY_ID[rule_id]
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": f"{rule.rationale}\nFix: {rule.fix}",
            "markdown": f"{rule.rationale}\n\n**Fix:** {rule.fix}\n\n"
            + "\n".join(f"- <{reference}>" for reference in rule.references),
        },
        "helpUri": rule.references[0],
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["security", "github-actions"], "security-severity": SECURITY_SEVERITY[rule.severity]},
    }


def sarif(
    org: str,
    findings: Iterable[Finding],
    *,
    spec_path: str | None = None,
    spec_text: str = "",
    new_keys: frozenset[str] | None = None,
) -> str:
    """`findings` as a SARIF log; `new_keys`: with a spec, the findings the spec adds (baselineState new)."""
    uri = spec_path or STAND_IN
    lines = declaration_lines(spec_text)
    rule_index = {rule.id: index for index, rule in enumerate(RULES)}
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": rule_index[finding.code],
            "level": LEVELS[finding.severity],
            "message": {"text": f"{finding.summary} Fix: {finding.fix}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {"startLine": lines.get(finding.group.lower(), 1) if finding.group else 1},
                    },
                    "logicalLocations": [{"name": finding.group or finding.subject or org, "kind": "module"}],
                }
            ],
            "partialFingerprints": {"runnerExposureFinding/v1": finding.fingerprint},
            "properties": {"severity": finding.severity, "key": finding.key, "org": org},
        }
        if new_keys is not None:
            result["baselineState"] = "new" if finding.key in new_keys else "unchanged"
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "github-runner-groups audit",
                        "version": __version__,
                        "rules": [_rule(rule.id) for rule in RULES],
                    }
                },
                "automationDetails": {"id": f"runner-exposure/{org}/"},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
