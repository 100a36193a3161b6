"""Access to the data files shipped inside the package (kkb_excel/data/...)."""

from importlib import resources


def read_data(*parts: str) -> bytes:
    """Bytes of a packaged data file, e.g. read_data("wilayah", "wilayah.csv.gz")."""
    return resources.files("kkb_excel").joinpath("data", *parts).read_bytes()
