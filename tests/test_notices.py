"""Notices to residents (R-CS-8): drafted by customer service, approved by the office
director before publication, published with the service and complaint hotline (refused
without one), changed only by a new edition that replaces the published one when it is
published; every edition kept. Seen by the estate's office only."""
from __future__ import annotations

from functools import partial

from sqlalchemy import select, update

from app.models import Company
from app.models.notice import Notice
from tests.helpers import (
    csrf_token,
    history_names,
    pdf_text,
    put_versioned,
    transition,
    version_of,
)

NOTICES = "/api/v1/notice/"
take = partial(transition, base=NOTICES)
HOTLINE = "400-800-1234"


def flat(text: str) -> str:
    """Printed text without the line breaks and spaces of its layout."""
    return "".join(text.split())


def draft(api, world, expect: int = 201, **extra):
    payload = {"estate": world.estate_a, "kind": "paid_services", "channel": "notice_board",
               "title": "有偿服务收费标准", "body": "疏通下水道：50元/次。\n\n更换水龙头：30元/次。",
               **extra}
    response = api.post(NOTICES, json=payload)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def test_a_notice_from_draft_to_published_approved_by_the_director(world, api_as, seeded):
    supervisor, director = api_as("supervisor_a"), api_as("director_a")
    draft(api_as("tech_a"), world, expect=403)
    pk = draft(supervisor, world, hotline=HOTLINE).json["id"]
    notice = seeded.get(Notice, pk)
    assert notice.number.startswith("NT-") and notice.edition == 1
    assert notice.drafted_by_id == world.user_supervisor_a
    assert notice.department_id == world.cs_a  # the drafter's department is responsible

    assert put_versioned(supervisor, f"{NOTICES}{pk}",
                         {"title": "有偿服务收费标准（2027）"}).status_code == 200
    take(supervisor, pk, "publish", expect=409)  # never without approval
    take(supervisor, pk, "submit")
    assert put_versioned(supervisor, f"{NOTICES}{pk}", {"title": "x"}).status_code == 400
    for wrong in ("supervisor_a", "agent_a", "quality_a"):
        take(api_as(wrong), pk, "approve", expect=403)
    take(api_as("director_b"), pk, "approve", expect=404, version=3)  # another office
    take(director, pk, "return", expect=400)  # a reason is required
    take(director, pk, "return", comment="写明上门服务时间")
    take(supervisor, pk, "submit")
    take(director, pk, "approve")
    take(api_as("agent_a"), pk, "publish", expect=403)
    take(supervisor, pk, "publish")
    seeded.expire_all()
    notice = seeded.get(Notice, pk)
    assert notice.state == "published" and notice.approved_by_id == world.user_director_a
    assert notice.published_at is not None and notice.hotline == HOTLINE
    take(supervisor, pk, "withdraw", comment="x", expect=403)  # the director withdraws
    take(director, pk, "withdraw", expect=400)
    take(director, pk, "withdraw", comment="收费标准调整")
    seeded.expire_all()
    assert seeded.get(Notice, pk).state == "withdrawn"
    assert history_names(seeded, "notice", pk) == [
        "create", "submit", "return", "submit", "approve", "publish", "withdraw"]


def test_no_notice_goes_out_without_the_hotline(world, api_as, seeded):
    """The hotline defaults to the company's; without any, submitting, approving and
    publishing are refused with a message that says why."""
    supervisor, director = api_as("supervisor_a"), api_as("director_a")
    company_hotline = seeded.scalar(select(Company.hotline).order_by(Company.id))
    pk = draft(supervisor, world).json["id"]
    assert seeded.get(Notice, pk).hotline == (company_hotline or None)

    seeded.execute(update(Company).values(hotline=""))
    seeded.commit()
    bare = draft(supervisor, world, title="停水通知").json["id"]
    assert seeded.get(Notice, bare).hotline is None
    refused = take(supervisor, bare, "submit", expect=400).json["message"]
    assert "hotline" in refused
    assert put_versioned(supervisor, f"{NOTICES}{bare}",
                         {"hotline": HOTLINE}).status_code == 200
    take(supervisor, bare, "submit")
    take(director, bare, "approve")
    # Cleared behind the workflow's back: publishing still refuses it.
    seeded.execute(update(Notice).where(Notice.id == bare).values(hotline=" "))
    seeded.commit()
    take(supervisor, bare, "publish", expect=400)
    seeded.execute(update(Notice).where(Notice.id == bare).values(hotline=HOTLINE))
    seeded.commit()
    take(supervisor, bare, "publish")


def test_a_new_edition_replaces_the_published_one_and_both_are_kept(world, api_as, seeded):
    supervisor, director = api_as("supervisor_a"), api_as("director_a")
    first = draft(supervisor, world, hotline=HOTLINE).json["id"]
    for step, api in (("submit", supervisor), ("approve", director), ("publish", supervisor)):
        take(api, first, step)
    take(supervisor, first, "revise")
    take(supervisor, first, "revise", expect=400)  # one new edition at a time
    seeded.expire_all()
    second = seeded.get(Notice, first).next_edition
    assert second.edition == 2 and second.previous_id == first and second.state == "draft"
    assert second.body == seeded.get(Notice, first).body and second.hotline == HOTLINE
    assert seeded.get(Notice, first).state == "published"  # stays up meanwhile
    assert put_versioned(supervisor, f"{NOTICES}{second.id}",
                         {"body": "疏通下水道：60元/次。"}).status_code == 200
    for step, api in (("submit", supervisor), ("approve", director), ("publish", supervisor)):
        take(api, second.id, step)
    seeded.expire_all()
    old, new = seeded.get(Notice, first), seeded.get(Notice, second.id)
    assert (old.state, new.state) == ("replaced", "published")
    assert old.replaced_at == new.published_at
    assert old.body != new.body  # the first edition's text is kept as it was published
    assert history_names(seeded, "notice", first) == [
        "create", "submit", "approve", "publish", "revise", "replace"]
    take(supervisor, first, "revise", expect=409)  # a replaced edition is history


def test_cancel_and_the_web_pages(world, api_as, as_user, seeded):
    supervisor = api_as("supervisor_a")
    pk = draft(supervisor, world, hotline=HOTLINE).json["id"]
    take(supervisor, pk, "cancel", expect=400)
    take(supervisor, pk, "cancel", comment="重复")
    seeded.expire_all()
    assert seeded.get(Notice, pk).state == "cancelled"
    page = as_user("supervisor_a")
    page.get("/lang/zh_Hans")
    listed = page.get("/noticeview/list/").get_data(as_text=True)
    assert seeded.get(Notice, pk).number in listed and "告知" in listed
    shown = page.get(f"/noticeview/show/{pk}").get_data(as_text=True)
    assert "有偿服务收费标准" in shown and "已取消" in shown
    # A published notice lands on its new edition's page after "new edition".
    published = draft(supervisor, world, hotline=HOTLINE).json["id"]
    for step, who in (("submit", "supervisor_a"), ("approve", "director_a"),
                      ("publish", "supervisor_a")):
        take(api_as(who), published, step)
    version = version_of(supervisor, f"{NOTICES}{published}")
    token = csrf_token(page, f"/noticeview/transition/revise?ids={published}")
    response = page.post(f"/noticeview/transition/revise?ids={published}",
                         data={"csrf_token": token, f"version_{published}": str(version)})
    assert response.status_code == 302, response.get_data(as_text=True)
    seeded.expire_all()
    second = seeded.get(Notice, published).next_edition
    assert second is not None
    assert f"/noticeview/show/{second.id}" in response.headers.get("Location", "")


def test_scope_the_estates_office_only(world, api_as, seeded):
    pk = draft(api_as("supervisor_a"), world, hotline=HOTLINE).json["id"]
    for user, status in {"supervisor_a": 200, "agent_a": 200, "director_a": 200,
                         "supervisor_b": 404, "director_b": 404, "agent_b": 404}.items():
        assert api_as(user).get(f"{NOTICES}{pk}").status_code == status, user
    draft(api_as("supervisor_b"), world, expect=400)  # not an estate of theirs
    take(api_as("director_b"), pk, "cancel", comment="x", expect=404, version=1)


def test_the_notice_prints_in_two_languages_with_the_hotline(world, api_as, seeded):
    pk = draft(api_as("supervisor_a"), world, hotline=HOTLINE).json["id"]
    response = api_as("agent_a").get(f"{NOTICES}{pk}/pdf?form=notice&lang=zh_Hans&second=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = flat("".join(pdf_text(response.data)))
    for chinese, english in (("单据编号", "Form number"), ("标题", "Title"),
                             ("有偿服务及收费标准", "Paid services and fees"),
                             ("服务及投诉电话", "Service and complaint hotline")):
        assert chinese in text and flat(english) in text, english
    assert HOTLINE in text and "疏通下水道" in text and "更换水龙头" in text
    hant = api_as("agent_a").get(f"{NOTICES}{pk}/pdf?form=notice&lang=zh_Hant&second=en")
    assert "有償服務收費標準" in flat("".join(pdf_text(hant.data)))
