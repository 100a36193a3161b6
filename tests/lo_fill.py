"""Fill a workbook inside LibreOffice through UNO and save it as .xlsx (run with the system python3).

Usage: python3 lo_fill.py SOURCE.xlsx TARGET.xlsx CELLS.json PROFILE_DIR
CELLS.json maps "Sheet!A1" to a number or a text. LibreOffice is the client that types the values,
exactly where an OPD would, into the protected daftar tilik.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str, timeout: float = 60.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def main(source: str, target: str, cells_file: str, profile: str) -> int:
    pipe = f"kkbfill{abs(hash(target)) % 10**8}"
    office = subprocess.Popen([
        "soffice", f"-env:UserInstallation={Path(profile).resolve().as_uri()}", "--headless", "--norestore",
        "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;",
    ])  # fmt: skip
    try:
        context = connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        doc = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        for address, value in json.loads(Path(cells_file).read_text(encoding="utf-8")).items():
            sheet_name, ref = address.rsplit("!", 1)
            cell = doc.Sheets.getByName(sheet_name).getCellRangeByName(ref)
            if isinstance(value, str):
                cell.setString(value)
            else:
                cell.setValue(value)
        doc.calculateAll()
        doc.storeToURL(Path(target).resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge closes as the office quits
            pass
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
