"""Pages that belong to no single domain: the home page and logging in and out."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .home import home_sections


@login_required
def home(request):
    return render(request, "web/home.html", home_sections(request.user))


class LoginView(auth_views.LoginView):
    """Django's login; django-axes counts failures through the authentication backend, and
    ``login()`` rotates the session key, so a session fixed before login is worthless after it."""

    template_name = "registration/login.html"


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the session is flushed, its cookie is worthless afterwards."""
