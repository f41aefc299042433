"""Admin bases every app's admin builds on: read-only screens for records that are facts (the audit
trail, campaigns), and screens whose saves and deletes go through the services, so that a change
made in the admin is validated by the same checks and audited like any other."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows records and changes none: nothing to add, change or delete, and no actions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


class ReadOnlyInline(admin.TabularInline):
    """The rows of a read-only screen's related model, shown and never changed."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _DryRun(Exception):
    pass


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the form fields they name (or on the form when it has no such field)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ServiceModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes call services.

    The form is checked by running the write in a transaction that is then rolled back, so the
    page shows exactly the errors the service would raise; the real save then calls it again.
    Subclasses list the editable ``service_fields`` and implement ``create``/``update``/``delete``.
    """

    service_fields: tuple[str, ...] = ()

    def create(self, *, actor, **data):
        raise NotImplementedError

    def update(self, *, actor, obj, **data):
        raise NotImplementedError

    def delete(self, *, actor, obj) -> None:
        raise NotImplementedError

    def _write(self, request, form, change: bool):
        if change:
            data = {k: form.cleaned_data[k] for k in form.changed_data if k in self.service_fields}
            fresh = type(form.instance).objects.get(pk=form.instance.pk)
            return self.update(actor=request.user, obj=fresh, **data)
        data = {k: form.cleaned_data[k] for k in self.service_fields if k in form.cleaned_data}
        return self.create(actor=request.user, **data)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    try:
                        with transaction.atomic():
                            model_admin._write(request, self, change=self.instance.pk is not None)
                            raise _DryRun
                    except _DryRun:
                        pass
                    except ValidationError as exc:
                        add_service_errors(self, exc)
                return cleaned

        return ServiceForm

    def save_model(self, request, obj, form, change):
        saved = self._write(request, form, change)
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db

    def delete_model(self, request, obj):
        self.delete(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete(actor=request.user, obj=obj)


def save_inlines(request, formset, *, create, update, delete) -> None:
    """Save an inline formset through services: deletions, then new rows, then changed rows."""
    formset.save(commit=False)
    for obj in formset.deleted_objects:
        delete(actor=request.user, obj=obj)
    for obj in formset.new_objects:
        create(actor=request.user, obj=obj)
    for obj, changed in formset.changed_objects:
        fields = {}
        for name in changed:
            field = obj._meta.get_field(name)
            fields[name] = getattr(obj, field.name)
        update(actor=request.user, obj=obj, **fields)
