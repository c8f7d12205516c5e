"""The bell and /messages/: a user sees and marks read only their own notifications."""

from django.urls import reverse

from jiayuan.core.models import OutboxMessage


def message(user, subject, **kw):
    return OutboxMessage.objects.create(recipient=user, subject=subject, **kw)


def test_bell_shows_the_unread_count(world, as_user):
    message(world.clerk, "一")
    message(world.clerk, "二")
    from django.utils import timezone

    message(world.clerk, "已读的", read_at=timezone.now())
    message(world.manager, "别人的")
    html = as_user(world.clerk).get("/").content.decode()
    bell = html.split('data-testid="bell"', 1)[1].split("</a>", 1)[0]
    assert 'class="jy-bell-badge">2<' in bell


def test_messages_page_shows_only_own_messages(world, as_user):
    message(world.clerk, "工单已超时")
    message(world.manager, "经理的消息")
    message(world.owner, "业主的账单")
    html = as_user(world.clerk).get(reverse("messages")).content.decode()
    assert "工单已超时" in html
    assert "经理的消息" not in html and "业主的账单" not in html


def test_marking_a_message_read(world, as_user):
    msg = message(world.clerk, "工单已超时")
    client = as_user(world.clerk)
    response = client.post(reverse("message_read", args=[msg.pk]), {"next": reverse("messages")})
    assert response.status_code == 302 and response.url == reverse("messages")
    msg.refresh_from_db()
    assert msg.read_at is not None
    html = client.get(reverse("messages") + "?filter=unread").content.decode()
    assert "工单已超时" not in html and "没有未读消息" in html


def test_opening_a_message_marks_it_read_and_follows_its_link(world, as_user):
    msg = message(world.clerk, "证书即将到期", link="/org/certificates/")
    response = as_user(world.clerk).post(reverse("message_read", args=[msg.pk]), {"open": "1"})
    assert response.url == "/org/certificates/"
    msg.refresh_from_db()
    assert msg.read_at is not None


def test_an_offsite_message_link_is_not_followed(world, as_user):
    msg = message(world.clerk, "钓鱼", link="https://evil.example/")
    response = as_user(world.clerk).post(reverse("message_read", args=[msg.pk]), {"open": "1"})
    assert response.url == reverse("messages")


def test_nobody_marks_someone_elses_message(world, as_user):
    msg = message(world.manager, "经理的消息")
    for who in (world.clerk, world.admin, world.owner):
        assert as_user(who).post(reverse("message_read", args=[msg.pk])).status_code == 404
    msg.refresh_from_db()
    assert msg.read_at is None


def test_mark_all_read_touches_only_own_messages(world, as_user):
    mine = [message(world.clerk, f"消息{i}") for i in range(3)]
    theirs = message(world.manager, "经理的消息")
    as_user(world.clerk).post(reverse("messages_read_all"))
    assert all(OutboxMessage.objects.get(pk=m.pk).read_at for m in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_messages_page_is_paginated_and_bounded(world, as_user, django_assert_max_num_queries):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(recipient=world.clerk, subject=f"消息{i}") for i in range(30)
    )
    client = as_user(world.clerk)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("messages")).content.decode()
    assert html.count('data-testid="message"') == 25 and "1 / 2" in html


def test_owner_is_sent_to_the_portals_messages(world, as_user):
    response = as_user(world.owner).get(reverse("messages"))
    assert response.url == reverse("portal:messages")
