"""The reference data of the 2025 reform (python -m etl reference units): the CSVs in the repo are what
the pinned packages give, and they say what the resolutions say — exact rows where it matters."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from vietnam_provinces import Province, Ward

from etl.units_reference import OUTPUTS, PINS, ReferenceError, crosscheck, derive, read_package

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "data" / "reference"


def rows(name: str) -> list[dict[str, str]]:
    with open(REF / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def valid_on(units, day: str, level: str, parent: str | None = "38") -> list[dict[str, str]]:
    return [u for u in units if u["unit_level"] == level and (parent is None or u["parent_code"] == parent)
            and (u["valid_from"] == "" or u["valid_from"] <= day) and (u["valid_to"] == "" or day <= u["valid_to"])]


@pytest.fixture(scope="module")
def derived():
    return derive()


@pytest.fixture(scope="module")
def units():
    return rows("admin_units.csv")


@pytest.fixture(scope="module")
def succession():
    return rows("unit_succession.csv")


@pytest.fixture(scope="module")
def legacy():
    return {r["unit_code"]: r for r in rows("legacy_communes.csv")}


def test_the_committed_csvs_are_what_the_command_derives_from_the_pinned_packages(derived):
    files = derived.files()
    assert sorted(files) == sorted(OUTPUTS)
    for name, text in files.items():
        assert (REF / name).read_text(encoding="utf-8") == text, f"{name}: run python -m etl reference units"


def test_the_command_writes_the_same_files_and_prints_the_counts(tmp_path):
    out = subprocess.run([sys.executable, "-m", "etl", "reference", "units", "--out", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (REF / name).read_bytes()
    assert out.stdout.splitlines()[:12] == [
        "Ngày 11/06/2025: 63 tỉnh, thành phố",
        "Ngày 12/06/2025: 34 tỉnh, thành phố",
        "Ngày 01/09/2023: 27 đơn vị cấp huyện của tỉnh 38",
        "Ngày 30/06/2025: 26 đơn vị cấp huyện của tỉnh 38",
        "Ngày 30/06/2025: 0 xã, phường của tỉnh 38",
        "Ngày 01/07/2025: 166 xã, phường của tỉnh 38",
        "Ngày 28/02/2025: 26 cơ quan cấp tỉnh của tỉnh 38",
        "Ngày 01/03/2025: 21 cơ quan cấp tỉnh của tỉnh 38",
        "Trước sắp xếp: 547 xã, phường, thị trấn (legacy_communes.csv, không phải đơn vị báo cáo)",
        "Toàn quốc sau sắp xếp: 34 tỉnh, thành phố; 3321 xã, phường, đặc khu",
        "Đối chiếu vietnam-provinces: tên khớp; 123 mã xã khác (6 ở tỉnh 38), 40 khác cách viết "
        "(national/crosscheck_vietnam_provinces.csv)",
        "Khu vực huyện cũ: 48 xã toàn quốc hòa, lấy mã huyện nhỏ nhất",
    ]
    check = subprocess.run([sys.executable, "-m", "etl", "reference", "units", "--check"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr


def test_expected_units_follow_the_calendar_27_then_26_districts_then_166_communes(units):
    assert len(valid_on(units, "2023-09-01", "district")) == 27
    assert len(valid_on(units, "2024-11-30", "district")) == 27
    assert len(valid_on(units, "2024-12-01", "district")) == 26
    assert len(valid_on(units, "2025-06-30", "district")) == 26
    assert len(valid_on(units, "2025-07-01", "district")) == 0
    assert len(valid_on(units, "2025-06-30", "commune")) == 0
    assert len(valid_on(units, "2025-07-01", "commune")) == 166
    assert len(valid_on(units, "2026-11-01", "commune")) == 166
    assert len(valid_on(units, "2025-06-11", "province", None)) == 63
    assert len(valid_on(units, "2025-06-12", "province", None)) == 34
    assert [u["unit_code"] for u in units if u["unit_code"] == "38"] == ["38"]  # Thanh Hóa: one row, never ends
    th = next(u for u in units if u["unit_code"] == "38")
    assert (th["unit_name"], th["valid_from"], th["valid_to"]) == ("Tỉnh Thanh Hóa", "", "")
    assert {u["parent_code"] for u in valid_on(units, "2025-07-01", "commune")} == {"38"}


def test_huyen_dong_son_ends_when_it_joins_thanh_hoa_city(units, succession):
    dong_son = [u for u in units if u["unit_code"] == "405"]
    assert [(u["unit_name"], u["unit_type"], u["valid_to"]) for u in dong_son] == [("Huyện Đông Sơn", "huyện", "2024-11-30")]
    assert "1240/NQ-UBTVQH15" in dong_son[0]["source"] and "CHƯA XÁC MINH" in dong_son[0]["source"]
    rows_405 = [(s["to_unit_code"], s["to_unit_level"], s["effective_date"], s["kind"], s["weight"], s["is_default"])
                for s in succession if s["from_unit_code"] == "405"]
    assert rows_405 == [("380", "district", "2024-12-01", "merge", "1.000000", "1")]
    city = [(u["unit_name"], u["valid_from"], u["valid_to"]) for u in units if u["unit_code"] == "380"]
    assert city == [("Thành phố Thanh Hóa", "", "2025-06-30")]


def test_every_old_commune_hands_on_exactly_all_of_itself(succession, legacy):
    """Weights are decimals with six places; each ending unit's add up to exactly 1 (rounding by
    largest remainder), with exactly one default successor."""
    total, defaults = defaultdict(Decimal), defaultdict(int)
    for s in succession:
        key = (s["from_unit_level"], s["from_unit_code"], s["effective_date"])
        total[key] += Decimal(s["weight"])
        defaults[key] += s["is_default"] == "1"
    assert set(total.values()) == {Decimal("1")}
    assert set(defaults.values()) == {1}
    old = {k[1] for k in total if k[0] == "commune"}
    assert old == set(legacy) and len(old) == 547
    assert all(k[2] == "2025-07-01" for k in total if k[0] == "commune")


def test_the_ten_communes_divided_among_several_new_ones_are_those_of_resolution_1686(units, succession, legacy):
    names = {u["unit_code"]: u["unit_name"] for u in units if u["unit_level"] == "commune"}
    split = sorted((s["from_unit_code"], legacy[s["from_unit_code"]]["unit_name"], names[s["to_unit_code"]], s["weight"],
                    s["is_default"]) for s in succession if s["from_unit_level"] == "commune" and s["kind"] == "split")
    # Nghị quyết 1686/NQ-UBTVQH15, Điều 1: "một phần ... và phần còn lại của ..." (khoản 3/6, 40/120, 41/42/45,
    # 41/52, 78/79, 118/119, 122/123, 127/129, 127/132); the default is the package's.
    assert split == [
        ("14758", "Phường Đông Thọ", "Phường Hàm Rồng", "0.500000", "0"),
        ("14758", "Phường Đông Thọ", "Phường Hạc Thành", "0.500000", "1"),
        ("15016", "Thị trấn Sơn Lư", "Xã Quan Sơn", "0.500000", "1"),
        ("15016", "Thị trấn Sơn Lư", "Xã Tam Lư", "0.500000", "0"),
        ("15271", "Thị trấn Hà Trung", "Xã Hoạt Giang", "0.500000", "0"),
        ("15271", "Thị trấn Hà Trung", "Xã Hà Trung", "0.500000", "1"),
        ("15328", "Xã Hà Bình", "Xã Hoạt Giang", "0.500000", "1"),
        ("15328", "Xã Hà Bình", "Xã Hà Trung", "0.500000", "0"),
        ("15637", "Xã Luận Khê", "Xã Luận Thành", "0.500000", "0"),
        ("15637", "Xã Luận Khê", "Xã Tân Thành", "0.500000", "1"),
        ("15772", "Thị trấn Thiệu Hóa", "Xã Thiệu Hóa", "0.333334", "1"),
        ("15772", "Thị trấn Thiệu Hóa", "Xã Thiệu Quang", "0.333333", "0"),
        ("15772", "Thị trấn Thiệu Hóa", "Xã Thiệu Trung", "0.333333", "0"),
        ("15793", "Xã Thiệu Long", "Xã Thiệu Hóa", "0.500000", "1"),
        ("15793", "Xã Thiệu Long", "Xã Định Hòa", "0.500000", "0"),
        ("16264", "Xã Yên Thọ", "Xã Như Thanh", "0.500000", "0"),
        ("16264", "Xã Yên Thọ", "Xã Yên Thọ", "0.500000", "1"),
        ("16273", "Xã Thanh Tân", "Xã Công Chính", "0.500000", "0"),
        ("16273", "Xã Thanh Tân", "Xã Thanh Kỳ", "0.500000", "1"),
        ("16435", "Phường An Hưng", "Phường Hạc Thành", "0.500000", "0"),
        ("16435", "Phường An Hưng", "Phường Đông Quang", "0.500000", "1"),
    ]
    kinds = defaultdict(int)
    for s in succession:
        if s["from_unit_level"] == "commune":
            kinds[s["kind"]] += 1
    # 21 communes the resolution leaves as they were (khoản 146) continue; thị trấn Mường Lát becomes xã Mường Lát.
    assert dict(kinds) == {"merge": 515, "split": 21, "continue": 21, "rename": 1}
    assert [(legacy[s["from_unit_code"]]["unit_name"], names[s["to_unit_code"]]) for s in succession
            if s["kind"] == "rename"] == [("Thị trấn Mường Lát", "Xã Mường Lát")]


def test_every_new_commune_has_one_former_district_the_one_most_of_it_came_from(units, succession, legacy):
    districts_before = {u["unit_code"] for u in valid_on(units, "2025-06-30", "district")}
    communes = valid_on(units, "2025-07-01", "commune")
    from_district = defaultdict(lambda: defaultdict(Fraction))
    for s in succession:
        if s["from_unit_level"] == "commune":
            from_district[s["to_unit_code"]][legacy[s["from_unit_code"]]["district_code"]] += Fraction(s["weight"])
    for c in communes:
        totals = from_district[c["unit_code"]]
        best = max(totals.values())
        assert c["former_district_code"] == min(d for d, t in totals.items() if t == best)
        assert c["former_district_code"] in districts_before
    assert {c["former_district_code"] for c in communes} == districts_before
    tho_xuan = sorted(c["unit_name"] for c in communes if c["former_district_code"] == "395")
    # Nghị quyết 1686, khoản 53–60: the communes formed from Huyện Thọ Xuân's communes.
    assert tho_xuan == ["Xã Lam Sơn", "Xã Sao Vàng", "Xã Thọ Long", "Xã Thọ Lập", "Xã Thọ Xuân", "Xã Xuân Hòa",
                        "Xã Xuân Lập", "Xã Xuân Tín"]
    # A commune drawing on two districts belongs to the one most of its former communes came from.
    dinh_hoa = next(c for c in communes if c["unit_name"] == "Xã Định Hòa")
    assert (dinh_hoa["former_district_code"], dict(from_district[dinh_hoa["unit_code"]])) == \
        ("394", {"394": Fraction(4), "398": Fraction(1, 2)})


def test_a_district_hands_on_to_the_communes_its_communes_went_to(succession):
    tho_xuan = [(s["to_unit_code"], s["weight"], s["is_default"], s["kind"]) for s in succession
                if s["from_unit_code"] == "395" and s["from_unit_level"] == "district"]
    # 30 communes: 4, 5, 4, 3, 4, 3, 3, 4 of them; 4/30 rounds to 0.133334 once, so the six places add up to 1.
    assert tho_xuan == [("15499", "0.133334", "0", "split"), ("15505", "0.166667", "1", "split"),
                        ("15520", "0.133333", "0", "split"), ("15544", "0.100000", "0", "split"),
                        ("15553", "0.133333", "0", "split"), ("15568", "0.100000", "0", "split"),
                        ("15574", "0.100000", "0", "split"), ("15592", "0.133333", "0", "split")]


def test_legacy_communes_stay_out_of_the_units_they_would_be_mistaken_for(units, legacy):
    assert len(legacy) == 547
    new = {u["unit_code"]: u["unit_name"] for u in units if u["unit_level"] == "commune"}
    reused = set(new) & set(legacy)
    # Every new commune reuses a former commune's code, 101 of them a commune of another name.
    assert len(reused) == 166 and sum(new[c] != legacy[c]["unit_name"] for c in reused) == 101
    assert (legacy["14758"]["unit_name"], new["14758"]) == ("Phường Đông Thọ", "Phường Hàm Rồng")
    assert {r["valid_to"] for r in legacy.values()} == {"2025-06-30"}
    assert {r["district_code"] for r in legacy.values()} == {u["unit_code"] for u in valid_on(units, "2025-06-30", "district")}


def test_hai_duong_is_part_of_hai_phong_from_12_june_2025(units, succession):
    into_hai_phong = sorted((s["from_unit_code"], s["kind"], s["weight"], s["is_default"]) for s in succession
                            if s["to_unit_code"] == "31" and s["effective_date"] == "2025-06-12")
    assert into_hai_phong == [("30", "merge", "1.000000", "1"), ("31", "merge", "1.000000", "1")]
    hai_phong = [(u["unit_name"], u["valid_from"], u["valid_to"]) for u in units if u["unit_code"] in ("30", "31")]
    assert hai_phong == [("Tỉnh Hải Dương", "", "2025-06-11"), ("Thành phố Hải Phòng", "", "2025-06-11"),
                         ("Thành phố Hải Phòng", "2025-06-12", "")]
    assert not [s for s in succession if s["from_unit_code"] == "38" and s["from_unit_level"] == "province"]


def test_national_list_has_34_provinces_and_3321_communes_with_centres():
    national = rows("national/units_2025.csv")
    provinces = [r for r in national if r["unit_level"] == "province"]
    communes = [r for r in national if r["unit_level"] == "commune"]
    assert len(provinces) == 34 and len(communes) == 3321
    assert {c["parent_code"] for c in communes} == {p["unit_code"] for p in provinces}
    assert all(c["lat"] and c["lon"] and c["former_district_code"] for c in communes)
    assert sorted((c["unit_code"], c["unit_name"]) for c in communes if not c["area_km2"]) == \
        [("19147", "Xã Thượng Trạch"), ("19159", "Xã Đông Trạch")]
    assert sum(c["parent_code"] == "38" for c in communes) == 166
    assert {c["unit_type"] for c in communes} == {"xã", "phường", "đặc khu"}


def test_the_post_reform_codes_and_names_agree_with_vietnam_provinces_but_for_the_listed_codes(units):
    theirs = {f"{int(p.code):02d}": p.name for p in Province.iter_all()}
    assert len(theirs) == 34 and theirs["38"] == "Thanh Hóa" and theirs["31"] == "Thành phố Hải Phòng"
    rows_ = crosscheck(read_package())
    assert rows_ == rows("national/crosscheck_vietnam_provinces.csv")
    listed = [(r["unit_code"], r["unit_name"], r["vietnam_provinces_code"], r["difference"]) for r in rows_
              if r["parent_code"] == "38"]
    assert listed == [("15106", "Xã Nguyệt Ấn", "15115", "code"), ("15112", "Xã Kiên Thọ", "15118", "code"),
                      ("15715", "Xã Tân Ninh", "15718", "code"), ("16072", "Xã Hoa Lộc", "16063", "code"),
                      ("16213", "Xã Thanh Phong", "16219", "code"), ("16222", "Xã Thanh Quân", "16207", "code")]
    wards = {f"{int(w.code):05d}": w for w in Ward.iter_by_province(38)}
    ours = valid_on(units, "2025-07-01", "commune")
    by_name = {w.name: code for code, w in wards.items()}
    assert sorted(by_name) == sorted(c["unit_name"] for c in ours)
    differing = sorted(c["unit_code"] for c in ours if by_name[c["unit_name"]] != c["unit_code"])
    assert differing == [r[0] for r in listed]
    assert (sum("code" in r["difference"] for r in rows_), sum("spelling" in r["difference"] for r in rows_)) == (123, 40)


def test_tasks_of_a_merged_agency_follow_its_successor(units, succession):
    with open(REF / "tasks.csv", encoding="utf-8", newline="") as f:
        responsible = {t["responsible_unit_code"] for t in csv.DictReader(f)}
    ended = {u["unit_code"] for u in units if u["unit_level"] == "agency" and u["valid_to"]}
    default = {s["from_unit_code"]: s["to_unit_code"] for s in succession
               if s["from_unit_level"] == "agency" and s["is_default"] == "1"}
    for code in responsible & ended:
        assert default[code] in {u["unit_code"] for u in valid_on(units, "2025-03-01", "agency")}
    assert {code: default[code] for code in sorted(responsible & ended)} == {
        "38.SGTVT": "38.SXD2025", "38.SKHDT": "38.STC2025", "38.SLDTBXH": "38.SNV", "38.STC": "38.STC2025",
        "38.STNMT": "38.SNNMT", "38.STTTT": "38.SKHCN2025", "38.SXD": "38.SXD2025"}
    labour = [(s["to_unit_code"], s["kind"], s["weight"], s["is_default"], s["sectors"]) for s in succession
              if s["from_unit_code"] == "38.SLDTBXH"]
    assert labour == [
        ("38.SGDDT", "split", "0.090909", "0", "giáo dục nghề nghiệp"),
        ("38.SNV", "split", "0.636364", "1", "lao động; việc làm; tiền lương; bảo hiểm xã hội; an toàn, vệ sinh lao "
                                             "động; người có công; bình đẳng giới"),
        ("38.SYT", "split", "0.272727", "0", "bảo trợ xã hội; trẻ em; phòng, chống tệ nạn xã hội"),
    ]
    with open(REF / "units.csv", encoding="utf-8", newline="") as f:
        catalogue = {u["unit_code"]: u["unit_name"] for u in csv.DictReader(f) if u["unit_level"] == "agency"}
    assert {u["unit_code"]: u["unit_name"] for u in units if u["unit_level"] == "agency" and u["unit_code"] in catalogue} \
        == catalogue
    assert all(u["source"] for u in units)


def test_the_pins_in_requirements_are_the_ones_the_data_was_derived_from():
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    for dist, version in PINS.items():
        assert any(line.startswith(f"{dist}=={version}  # direct") for line in lines)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The files the command reads, in a throwaway project tree."""
    (tmp_path / "data" / "reference" / "manual").mkdir(parents=True)
    shutil.copy(ROOT / "config.toml", tmp_path / "config.toml")
    shutil.copy(REF / "units.csv", tmp_path / "data" / "reference" / "units.csv")
    for f in (REF / "manual").iterdir():
        shutil.copy(f, tmp_path / "data" / "reference" / "manual" / f.name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_hand_entered_weights_that_do_not_add_up_are_refused(project_copy):
    path = project_copy / "data/reference/manual/agency_succession.csv"
    _edit(path, ",split,0.636364,", ",split,0.6,")
    with pytest.raises(ReferenceError) as e:
        derive(project_copy)
    assert str(e.value) == "Kế thừa 38.SLDTBXH → 38.SNV (2025-03-01): trọng số '0.6' phải có dạng 0.xxxxxx"
    _edit(path, ",split,0.6,", ",split,0.600000,")
    with pytest.raises(ReferenceError) as e:
        derive(project_copy)
    assert str(e.value) == "Trọng số kế thừa của 38.SLDTBXH ngày 2025-03-01 cộng lại 0.963636, phải là 1"


def test_a_district_the_package_no_longer_lists_needs_its_change_entered_by_hand(project_copy):
    manual = project_copy / "data/reference/manual/territorial_changes.csv"
    manual.write_text(manual.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(ReferenceError) as e:
        derive(project_copy)
    assert str(e.value) == ("Đơn vị cấp huyện 405 (Huyện Đông Sơn) có trong units.csv nhưng không có trong "
                            "vietnamadminunits trước sắp xếp, và không có thay đổi nào ghi tay trong "
                            "manual/territorial_changes.csv")


def test_an_agency_renamed_by_hand_against_the_catalogue_is_refused(project_copy):
    _edit(project_copy / "data/reference/manual/agency_units.csv", "38.STTTT,Sở Thông tin và Truyền thông,",
          "38.STTTT,Sở Thông tin,")
    with pytest.raises(ReferenceError) as e:
        derive(project_copy)
    assert str(e.value) == ("manual/agency_units.csv, dòng 8 (38.STTTT): units.csv ghi tên "
                            "'Sở Thông tin và Truyền thông'")
