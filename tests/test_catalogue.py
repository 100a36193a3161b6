import csv
from collections import Counter

import pytest

from kkb_excel.catalogue import AGREGASI, CARA_ISI, LINGKUP_TARGET, POLARITAS, read_rows
from kkb_excel.errors import UnknownIndicatorError
from kkb_excel.tingkat import TINGKAT


def test_codes_unique_and_in_source_order(catalogue):
    codes = [i.kode for i in catalogue]
    assert len(codes) == len(set(codes)) == 73
    assert [i.urutan for i in catalogue] == list(range(1, 74))


def test_every_row_fully_specified(catalogue):
    for ind in catalogue:
        for field in ("sasaran", "program", "kegiatan", "indikator", "satuan"):
            assert getattr(ind, field).strip(), (ind.kode, field)
        assert ind.polaritas in POLARITAS
        assert ind.cara_isi in CARA_ISI
        assert ind.agregasi in AGREGASI
        assert ind.tingkat_pengamatan in TINGKAT
        assert ind.lingkup_target in LINGKUP_TARGET


def test_entry_mode_fits_aggregation(catalogue):
    for ind in catalogue.active:
        if ind.cara_isi == "rasio":
            assert ind.persentase and ind.agregasi == "rasio", ind.kode
            assert ind.definisi_pembilang and ind.definisi_penyebut, ind.kode
        if ind.cara_isi == "status":
            assert ind.agregasi in ("proporsi_unit", "jumlah_unit"), ind.kode
        if ind.agregasi == "proporsi_unit":
            assert ind.persentase, ind.kode
        if ind.persentase and ind.target_2022 is not None:
            assert 0 <= ind.target_2022 <= 100, ind.kode


def test_rows_per_sasaran_as_in_source(catalogue, shared):
    with (shared / "reference" / "lampiran4_catalogue.csv").open(encoding="utf-8") as f:
        source = list(csv.DictReader(f))
    assert Counter(int(r["sasaran_no"]) for r in source) == Counter(i.sasaran_no for i in catalogue)
    assert [r["kode"] for r in source] == [i.kode for i in catalogue]
    by_code = {r["kode"]: r for r in source}
    for ind in catalogue:
        src = by_code[ind.kode]
        assert ind.polaritas == src["polarity"]
        assert ind.target_2022 == (float(src["target_2022"]) if src["target_2022"] else None)


def test_every_doubt_has_a_recorded_decision(catalogue):
    doubted = [i for i in catalogue if i.keraguan]
    assert len(doubted) == 58
    assert all(i.keputusan for i in doubted)
    high = [i.kode for i in catalogue if i.keraguan.startswith("HIGH")]
    assert len(high) == 17


def test_spurious_duplicate_and_textless_placeholder_stay_out(catalogue):
    inactive = {i.kode for i in catalogue if not i.aktif}
    assert inactive == {"S2.Pa.K1.b", "S3.Pb.K4.a"}
    assert len(catalogue.active) == 71


def test_turun_polarity_only_for_unmet_need_and_dropout(catalogue):
    assert {i.kode for i in catalogue if i.polaritas == "turun"} == {"S3.Pa.K6.b", "S3.Pa.K6.c"}


def test_count_targets_apply_only_nationally(catalogue):
    posyandu = catalogue.get("S3.Pa.K2.a")  # 2,000 desa nationally
    assert posyandu.default_target("nasional") == 2000
    assert posyandu.default_target("desa") is None
    assert catalogue.get("S2.Pa.K3.b").default_target("desa") == 50.5


def test_unknown_code_message(catalogue):
    with pytest.raises(UnknownIndicatorError, match="tidak ada dalam katalog"):
        catalogue.get("S9.Pz.K1.a")


def test_version_tracks_file_content(catalogue):
    assert catalogue.version.startswith("2023.1+") and len(catalogue.version) == 15
    assert len(read_rows()) == 73


def test_annual_lagging_indicators_are_marked(catalogue):
    """GERMAS, PIS-PK, KTR and ASFR 15-19 are published yearly, a year late (catalogue_evidence)."""
    assert {i.kode for i in catalogue if i.tahunan} == {"S2.Pa.K1.a", "S2.Pa.K2.a", "S2.Pa.K8.a", "S3.Pa.K6.d"}
    assert all("Data tahunan" in i.keputusan for i in catalogue if i.tahunan)


def test_evidence_applied_with_its_source(catalogue):
    kampung_kb = catalogue.get("S3.Pe.K7.a")
    assert kampung_kb.agregasi == "jumlah_unit" and "Lampiran 1" in kampung_kb.keputusan
    apk_sm = catalogue.get("S3.Pc.K2.c")
    assert apk_sm.keraguan.startswith("HIGH: CONFLICT") and "90,59" in apk_sm.keputusan and "Renstra" in apk_sm.keputusan
    assert "Renstra" in catalogue.get("S3.Pc.K2.d").keputusan
    assert "nontunai" in catalogue.get("S3.Pd.K2.a").indikator
    rows = {r["kode"]: r for r in read_rows()}
    assert "Renstra Kemendikbud" in rows["S3.Pc.K2.c"]["sumber"] and "Perpres 72/2021" in rows["S3.Pd.K2.a"]["sumber"]
