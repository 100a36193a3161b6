"""LibreOffice headless as a real spreadsheet engine: recalculate workbooks and save them back."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """The soffice binary; CI sets KKB_REQUIRE_LIBREOFFICE=1 so a missing one fails instead of skipping."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("KKB_REQUIRE_LIBREOFFICE") == "1":
        raise RuntimeError("KKB_REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not installed")
    return found


SYSTEM_PYTHON = Path("/usr/bin/python3")


def uno_python() -> Path | None:
    """The system python3 with LibreOffice's UNO bridge (Debian python3-uno), if installed."""
    found = SYSTEM_PYTHON.exists() and subprocess.run([str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True).returncode == 0
    if not found and os.environ.get("KKB_REQUIRE_LIBREOFFICE") == "1":
        raise RuntimeError("KKB_REQUIRE_LIBREOFFICE=1 but python3-uno (LibreOffice's Python bridge) is not installed")
    return SYSTEM_PYTHON if found else None


def recalculate(paths: list[Path], work: Path, fmt: str = "xlsx") -> list[Path]:
    """Open each workbook in LibreOffice (always recalculating on load) and save it as `fmt`."""
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    out = work / "recalculated"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(out), *map(str, paths)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    results = [out / p.with_suffix("." + fmt).name for p in paths]
    missing = [p for p in results if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return results
