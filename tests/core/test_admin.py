"""The audit tables are visible to the company admin in the Django admin and cannot be edited there."""

from jiayuan.core.models import PersonalDataAccess


def test_personal_data_log_is_readable_not_editable(world, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    entry = PersonalDataAccess.objects.create(
        actor=world.clerk, project=world.p1, subject="张伟", field="phone"
    )
    client.force_login(root)
    assert client.get("/django-admin/core/personaldataaccess/").status_code == 200
    assert client.get("/django-admin/core/personaldataaccess/add/").status_code == 403
    client.post(f"/django-admin/core/personaldataaccess/{entry.pk}/delete/", {"post": "yes"})
    assert PersonalDataAccess.objects.filter(pk=entry.pk).exists()


def test_company_setup_pages_open_in_the_admin(world, client, django_user_model):
    root = django_user_model.objects.create_superuser("root2", password="x")
    client.force_login(root)
    for path in ("project", "membership", "staff", "certificate", "training", "company"):
        assert client.get(f"/django-admin/org/{path}/").status_code == 200, path
    assert client.get(f"/django-admin/org/project/{world.p1.pk}/change/").status_code == 200
