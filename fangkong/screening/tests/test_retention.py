from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from fangkong.core import clock, pii
from fangkong.core.models import AuditEvent
from fangkong.screening.followups import followup_contact
from fangkong.screening.models import FollowUp, Passage, RiskArea, Violation
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.tests.test_passages import arrive


def test_old_passages_go_running_cases_keep_theirs(district, screening, capsys):
    old = clock.now() - timedelta(days=29)
    RiskArea.objects.filter(pk=screening.medium.pk).update(valid_from=old - timedelta(days=1))  # in force back then
    plain = arrive(
        screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.a.pk, occurred_at=old
    ).passage
    case = arrive(
        screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk, occurred_at=old
    ).followup
    exit_ = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(
            direction="out", document_number=pii.decrypt(district.person_b.doc_cipher), name="出行人", occurred_at=old
        ),
    )
    recent = arrive(screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.a.pk).passage
    with clock.advanced(timedelta(days=2)):  # now 31 days after the old ones; retention is 30
        call_command("purge_expired")
    assert "passages: 2 deleted" in capsys.readouterr().out
    assert not Passage.objects.filter(pk=plain.pk).exists()
    assert Passage.objects.filter(pk=case.passage_id).exists()  # the case still runs
    assert Passage.objects.filter(pk=recent.pk).exists()
    v = Violation.objects.get(pk=exit_.violation.pk)
    assert v.passage is None and v.at == old and v.checkpoint == screening.cp1  # the record stands
    assert AuditEvent.objects.get(action="passages.purge").fields["deleted"] == 2
    # Once the case is released its passage expires too.
    followup_contact(actor=district.worker_a, followup_id=case.pk)
    FollowUp.objects.filter(pk=case.pk).update(released_at=clock.now())
    with clock.advanced(timedelta(days=2)):
        call_command("purge_expired")
    assert FollowUp.objects.get(pk=case.pk).passage is None
