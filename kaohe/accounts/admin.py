"""Role grants and API tokens. Grants and tokens are written through the services (audited); a
token's raw value is shown once, on creation, and its digest is never shown."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kaohe.platform.admin import ServiceModelAdmin

from . import services
from .models import ApiToken, RoleGrant


@admin.register(RoleGrant)
class RoleGrantAdmin(ServiceModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    raw_id_fields = ["user", "unit"]
    service_fields = ("user", "role", "unit")

    def create(self, *, actor, **data):
        return services.grant_role(actor=actor, **data)

    def update(self, *, actor, obj, **data):
        # A grant is a fact, not a record to edit: changing one is revoking it and granting anew.
        values = {"user": obj.user, "role": obj.role, "unit": obj.unit, **data}
        services.revoke_role(actor=actor, grant=obj)
        return services.grant_role(actor=actor, **values)

    def delete(self, *, actor, obj):
        services.revoke_role(actor=actor, grant=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceModelAdmin):
    list_display = ["name", "user", "prefix", "created", "expires", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    fields = ["user", "name", "expires", "prefix", "created", "last_used", "revoked"]
    readonly_fields = ["prefix", "created", "last_used", "revoked"]
    actions = ["revoke"]
    service_fields = ("user", "name", "expires")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a token is not edited, only revoked
            return ["user", "name", "expires", *self.readonly_fields]
        return self.readonly_fields

    def create(self, *, actor, **data):
        token, raw = services.create_api_token(actor=actor, **data)
        token.raw_value = raw
        return token

    def update(self, *, actor, obj, **data):
        return obj

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            token = self._saved
            messages.warning(
                request,
                _("The token is %(raw)s — copy it now: it is shown only this once.")
                % {"raw": token.raw_value},
            )

    def _write(self, request, form, change):
        self._saved = super()._write(request, form, change)
        return self._saved

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so that the record stays

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_api_token(actor=request.user, token=token)
        n = queryset.count()
        self.message_user(request, ngettext("%(n)s token revoked.", "%(n)s tokens revoked.", n) % {"n": n})
