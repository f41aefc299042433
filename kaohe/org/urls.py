from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("people/", views.people_list, name="people"),
    path("people/export/", views.people_export, name="people_export"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("import/", views.import_people, name="import"),
    path("import/template/", views.import_template, name="import_template"),
]
