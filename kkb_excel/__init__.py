"""kkb-excel: the Kampung Keluarga Berkualitas monitoring cycle (Lampiran 4 daftar tilik) in Excel."""

__version__ = "0.1.0"
