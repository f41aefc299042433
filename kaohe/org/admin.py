"""Configuration screens for the organisation. Saves go through the services, so every change made
here is validated by the same checks and lands in the audit trail like any other."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaohe.platform.admin import ServiceModelAdmin, add_service_errors, save_inlines

from . import logic, services
from .models import LeaveRecord, Person, Position, Secondment, Track, TrackMembership, Unit

# --- units and positions ---------------------------------------------------------------------------


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["title"]


@admin.register(Unit)
class UnitAdmin(ServiceModelAdmin):
    list_display = ["name", "code", "kind", "parent", "sort_order", "supervisor"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "supervisor"]
    fields = ["code", "name", "kind", "parent", "sort_order", "supervisor"]
    ordering = ["path"]
    inlines = [PositionInline]
    service_fields = ("code", "name", "kind", "parent", "sort_order", "supervisor")

    def create(self, *, actor, **data):
        return services.create_unit(actor=actor, **data)

    def update(self, *, actor, obj, **data):
        return services.update_unit(actor=actor, unit=obj, **data)

    def delete(self, *, actor, obj):
        services.delete_unit(actor=actor, unit=obj)

    def save_formset(self, request, form, formset, change):
        unit = Unit.objects.get(pk=form.instance.pk)
        save_inlines(
            request,
            formset,
            create=lambda actor, obj: services.create_position(actor=actor, unit=unit, title=obj.title),
            update=lambda actor, obj, **data: services.update_position(actor=actor, position=obj, **data),
            delete=lambda actor, obj: services.delete_position(actor=actor, position=obj),
        )


@admin.register(Position)
class PositionAdmin(ServiceModelAdmin):
    list_display = ["title", "unit"]
    search_fields = ["title", "unit__name", "unit__code"]
    raw_id_fields = ["unit"]
    service_fields = ("unit", "title")

    def create(self, *, actor, **data):
        return services.create_position(actor=actor, **data)

    def update(self, *, actor, obj, **data):
        return services.update_position(actor=actor, position=obj, **data)

    def delete(self, *, actor, obj):
        services.delete_position(actor=actor, position=obj)


# --- people ----------------------------------------------------------------------------------------


class LeaveForm(forms.ModelForm):
    class Meta:
        model = LeaveRecord
        fields = ["kind", "start", "end", "note"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and (problem := logic.leave_problem(start, end)):
            self.add_error("end", problem)
        return cleaned


class LeaveInline(admin.TabularInline):
    model = LeaveRecord
    form = LeaveForm
    extra = 0


class SecondmentForm(forms.ModelForm):
    class Meta:
        model = Secondment
        fields = ["home_unit", "host_unit", "start", "end", "home_share", "host_assessor"]

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(k) is not None for k in ("home_unit", "host_unit", "start", "home_share")):
            problems = logic.secondment_problems(
                home_unit=cleaned["home_unit"].pk,
                host_unit=cleaned["host_unit"].pk,
                home_share=cleaned["home_share"],
                start=cleaned["start"],
                end=cleaned.get("end"),
            )
            for name, message in problems.items():
                self.add_error(name, message)
        return cleaned


class SecondmentInline(admin.TabularInline):
    model = Secondment
    form = SecondmentForm
    fk_name = "person"
    extra = 0
    raw_id_fields = ["home_unit", "host_unit", "host_assessor"]


@admin.register(Person)
class PersonAdmin(ServiceModelAdmin):
    list_display = [
        "staff_no",
        "name",
        "unit",
        "position",
        "identity",
        "staffing",
        "post_type",
        "post_level",
        "reviewer",
        "active",
    ]
    list_filter = ["identity", "staffing", "post_type", "post_level", "active", "unit__kind"]
    search_fields = ["staff_no", "name", "unit__name", "unit__code"]
    list_select_related = ["unit", "position", "reviewer"]
    raw_id_fields = ["unit", "position", "reviewer"]
    readonly_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["staff_no", "name", "gender", "birth_date", "active", "user"]}),
        (
            _("Post"),
            {"fields": ["unit", "position", "identity", "staffing", "post_type", "post_level", "start_date"]},
        ),
        (_("Review"), {"fields": ["reviewer"]}),
    ]
    inlines = [LeaveInline, SecondmentInline]
    service_fields = tuple(sorted(services.PERSON_FIELDS))

    def create(self, *, actor, **data):
        return services.create_person(actor=actor, **data)

    def update(self, *, actor, obj, **data):
        return services.update_person(actor=actor, person=obj, **data)

    def has_delete_permission(self, request, obj=None):
        return False  # people leave by being made inactive; their history stays

    def save_formset(self, request, form, formset, change):
        person = Person.objects.get(pk=form.instance.pk)
        if formset.model is LeaveRecord:
            save_inlines(
                request,
                formset,
                create=lambda actor, obj: services.add_leave(
                    actor=actor, person=person, kind=obj.kind, start=obj.start, end=obj.end, note=obj.note
                ),
                update=lambda actor, obj, **data: services.update_leave(actor=actor, leave=obj, **data),
                delete=lambda actor, obj: services.delete_leave(actor=actor, leave=obj),
            )
        elif formset.model is Secondment:
            save_inlines(
                request,
                formset,
                create=lambda actor, obj: services.create_secondment(
                    actor=actor,
                    person=person,
                    home_unit=obj.home_unit,
                    host_unit=obj.host_unit,
                    start=obj.start,
                    end=obj.end,
                    home_share=obj.home_share,
                    host_assessor=obj.host_assessor,
                ),
                update=lambda actor, obj, **data: services.update_secondment(
                    actor=actor, secondment=obj, **data
                ),
                delete=lambda actor, obj: services.delete_secondment(actor=actor, secondment=obj),
            )
        else:
            super().save_formset(request, form, formset, change)


# --- tracks and secondments ------------------------------------------------------------------------


class MembershipForm(forms.ModelForm):
    class Meta:
        model = TrackMembership
        fields = ["person"]

    def clean(self):
        cleaned = super().clean()
        track = self.instance.track if self.instance.track_id else getattr(self, "parent_track", None)
        person = cleaned.get("person")
        if track is not None and track.pk and person is not None and self.instance.pk is None:
            try:
                services.check_membership(track=track, person=person)
            except ValidationError as exc:
                add_service_errors(self, exc)
        return cleaned


class MembershipInline(admin.TabularInline):
    model = TrackMembership
    form = MembershipForm
    extra = 0
    raw_id_fields = ["person"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("BoundMembershipForm", (formset.form,), {"parent_track": obj})
        return formset


@admin.register(Track)
class TrackAdmin(ServiceModelAdmin):
    list_display = ["name", "code", "year", "unit"]
    list_filter = ["year"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit"]
    inlines = [MembershipInline]
    service_fields = ("unit", "code", "name", "year")

    def create(self, *, actor, **data):
        return services.create_track(actor=actor, **data)

    def update(self, *, actor, obj, **data):
        return services.update_track(actor=actor, track=obj, **data)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        track = Track.objects.get(pk=form.instance.pk)

        def move(actor, obj, **data):  # a changed row means another person in this track
            services.remove_member(actor=actor, membership=TrackMembership.objects.get(pk=obj.pk))
            services.add_member(actor=actor, track=track, person=data.get("person", obj.person))

        save_inlines(
            request,
            formset,
            create=lambda actor, obj: services.add_member(actor=actor, track=track, person=obj.person),
            update=move,
            delete=lambda actor, obj: services.remove_member(actor=actor, membership=obj),
        )


@admin.register(Secondment)
class SecondmentAdmin(ServiceModelAdmin):
    list_display = ["person", "home_unit", "host_unit", "start", "end", "home_share", "host_assessor"]
    list_select_related = ["person", "home_unit", "host_unit", "host_assessor"]
    search_fields = ["person__name", "person__staff_no"]
    raw_id_fields = ["person", "home_unit", "host_unit", "host_assessor"]
    service_fields = ("person", "home_unit", "host_unit", "start", "end", "home_share", "host_assessor")

    def create(self, *, actor, **data):
        return services.create_secondment(actor=actor, **data)

    def update(self, *, actor, obj, **data):
        data.pop("person", None)  # a secondment belongs to one person for good
        return services.update_secondment(actor=actor, secondment=obj, **data)

    def delete(self, *, actor, obj):
        services.delete_secondment(actor=actor, secondment=obj)
