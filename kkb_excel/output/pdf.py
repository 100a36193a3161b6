"""`consolidate --pdf`: the signed-off Lampiran 4 rekap and the Ringkasan as PDF, through LibreOffice.

LibreOffice (`soffice`) converts a print-only copy of the rollup workbook; it runs headless with a
throw-away profile, so an open LibreOffice window on the same machine does not interfere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kkb_excel.errors import KkbError
from kkb_excel.files import write_atomic

INSTALL_HINT = (
    "LibreOffice (soffice) tidak ditemukan, jadi PDF tidak dibuat. Pasang LibreOffice "
    "(Windows/macOS: https://www.libreoffice.org/download/, Debian/Ubuntu: sudo apt install libreoffice-calc), "
    "atau buka ROLLUP.xlsx di Excel lalu cetak lembar 'Lampiran 4' dan 'Ringkasan' ke PDF."
)
_WELL_KNOWN = (
    Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "LibreOffice" / "program" / "soffice.exe",
    Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")) / "LibreOffice" / "program" / "soffice.exe",
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
)


def find_soffice() -> str | None:
    """soffice on PATH, or where the LibreOffice installers put it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((str(p) for p in _WELL_KNOWN if p.is_file()), None)


def xlsx_to_pdf(xlsx: bytes, path: Path, timeout: int = 300) -> None:
    """Convert workbook bytes to a PDF at `path` (written atomically)."""
    soffice = find_soffice()
    if soffice is None:
        raise KkbError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="kkb-pdf-") as work:
        folder = Path(work)
        source = folder / f"{path.stem}.xlsx"
        source.write_bytes(xlsx)
        profile = (folder / "profil").resolve().as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder / "pdf"), str(source)]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                                  creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise KkbError(f"LibreOffice tidak selesai membuat PDF dalam {timeout} detik.") from None
        result = folder / "pdf" / f"{path.stem}.pdf"
        if done.returncode != 0 or not result.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:300]
            raise KkbError(f"LibreOffice gagal membuat PDF {path.name}" + (f": {detail}" if detail else "."))
        write_atomic(path, result.read_bytes())
