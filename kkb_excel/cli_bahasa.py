"""Click's own messages (usage, errors, option help) in Bahasa Indonesia.

Click looks its texts up through `gettext` at run time, via a module-level `_`/`ngettext` in each
of its modules; pointing those at this table keeps every line a user sees in one language.
"""

from __future__ import annotations

import importlib

MESSAGES = {
    "Usage:": "Pemakaian:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "Missing option": "Opsi wajib belum diisi",
    "Missing argument": "Argumen wajib belum diisi",
    "Missing parameter": "Parameter wajib belum diisi",
    "Missing command.": "Perintah belum disebut.",
    "No such command {name!r}.": "Tidak ada perintah {name!r}.",
    "No such option {name!r}.": "Tidak ada opsi {name!r}.",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas.",
    "default: {default}": "bawaan: {default}",
    "required": "wajib",
    "Aborted!": "Dibatalkan.",
    "integer": "bilangan bulat",
    "file": "berkas",
    "directory": "folder",
    "path": "path",
}
PLURALS = {
    "Got unexpected extra argument ({args})": "Argumen tambahan yang tidak dikenal ({args})",
    "Got unexpected extra arguments ({args})": "Argumen tambahan yang tidak dikenal ({args})",
    "{value!r} is not {choice}.": "{value!r} bukan {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} bukan salah satu dari {choices}.",
    "Did you mean {possibility}?": "Maksud Anda {possibility}?",
    "(Possible options: {possibilities})": "(Opsi yang mungkin: {possibilities})",
}
CLICK_MODULES = ("core", "exceptions", "decorators", "formatting", "parser", "types", "termui", "utils")


def _translate(message: str) -> str:
    return MESSAGES.get(message, message)


def _translate_plural(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return PLURALS.get(chosen, chosen)


def use_bahasa_indonesia() -> None:
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _translate
        if hasattr(module, "ngettext"):
            module.ngettext = _translate_plural
