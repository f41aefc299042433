from django.urls import path

from . import views, views_attributes

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("people/", views.people_list, name="people"),
    path("people/export/", views.people_export, name="people_export"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/attributes/", views_attributes.person_attributes, name="person_attributes"),
    path("attributes/bulk/", views_attributes.bulk_attributes, name="bulk_attributes"),
    path("import/", views.import_people, name="import"),
    path("import/template/", views.import_template, name="import_template"),
]
