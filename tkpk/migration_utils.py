"""Helpers for data migrations that give the roles (groups) their permissions.

Permissions are normally created after migrations run (post_migrate); a data migration that
grants them must create them first, which `grant_permissions` does for the apps it names.
"""

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps, app_labels):
    """Create the permission rows of the given apps now, inside the migration."""
    for label in app_labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def grant_permissions(apps, grants: dict[str, list[str]]):
    """Create each group if needed and add the permissions ("app_label.codename") to it."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    labels = {perm.split(".", 1)[0] for perms in grants.values() for perm in perms}
    ensure_permissions(apps, labels)
    for group_name, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke_permissions(apps, grants: dict[str, list[str]]):
    """Undo grant_permissions (for reversible migrations)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in grants.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
