from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from fangkong.cli import main as cli_main
from fangkong.conftest import make_id_number
from fangkong.registry.models import Person
from fangkong.registry.tests.test_import import csv_bytes


def test_import_people_command_reports_rejections(district, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    rows = [["命令", "", make_id_number(), "", "园丁社区", "", ""], ["", "", make_id_number(), "", "园丁社区", "", ""]]
    path.write_bytes(csv_bytes(rows, "gbk"))
    call_command("import_people", str(path), "--as", "worker_a")
    out = capsys.readouterr().out
    assert "created 1" in out and "rejected 1" in out and "row 3: name" in out
    assert Person.objects.filter(name="命令").exists()


def test_import_people_command_refuses_unit_roles_and_bad_files(district, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([], "utf-8"))
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_people", str(path), "--as", "unit_staff")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_people", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes("姓名,社区\n甲,园丁社区\n".encode())
    with pytest.raises(CommandError, match="document_number"):
        call_command("import_people", str(bad), "--as", "worker_a")


def test_cli_accepts_dashed_command_names(district, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([["横线", "", make_id_number(), "", "园丁社区", "", ""]], "utf-8"))
    cli_main(["fangkong", "import-people", str(path), "--as", "worker_a"])
    assert "created 1" in capsys.readouterr().out


def test_seed_demo_fresh_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run in production"):
        call_command("seed_demo", "--people", "10", "--fresh")
